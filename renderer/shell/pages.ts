/** The app's pages, in sidebar order, with their keyboard shortcut (`g` then the key). */
export const PAGES = [
  { id: 'clusters', label: 'Clusters', key: 'c', icon: '◫' },
  { id: 'nodes', label: 'Nodes', key: 'n', icon: '▣' },
  { id: 'bringup', label: 'Bring-up', key: 'b', icon: '▲' },
  { id: 'pipeline', label: 'Pipeline', key: 'p', icon: '⇶' },
  { id: 'serve', label: 'Serve', key: 's', icon: '◉' },
  { id: 'monitor', label: 'Monitor', key: 'm', icon: '∿' },
  { id: 'terminal', label: 'Terminal', key: 't', icon: '›_' },
  { id: 'activity', label: 'Activity', key: 'a', icon: '≡' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export function isPageId(value: string): value is PageId {
  return PAGES.some((p) => p.id === value);
}
