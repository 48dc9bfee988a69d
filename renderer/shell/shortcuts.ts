/**
 * Global keyboard shortcuts: `g` then a page key navigates (GitHub style, so browser-mode
 * Ctrl+digit tab switching stays the browser's), `?` shows help, `Shift+D` switches theme,
 * `Escape` closes overlays. Ignored while typing in a field.
 */
import { useEffect } from 'react';
import { PAGES } from './pages';
import { useShell } from './ui-store';

export const SHORTCUTS: { keys: string; what: string }[] = [
  ...PAGES.map((p) => ({ keys: `g ${p.key}`, what: `Go to ${p.label}` })),
  { keys: '↑ ↓', what: 'Move between pages in the sidebar (Enter opens one)' },
  { keys: 'n', what: 'New cluster (on Clusters)' },
  {
    keys: 'Ctrl+S',
    what: 'Save the Serve config file (on Serve); save the pipeline (on Pipeline)',
  },
  {
    keys: 'Ctrl+Enter',
    what: 'Review the Serve config changes (on Serve); apply them (in the review)',
  },
  {
    keys: '1 … 5',
    what: 'Switch Monitor views: overview, GPUs, deployments, events, cost (on Monitor)',
  },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z', what: 'Undo / redo a pipeline edit (on Pipeline)' },
  { keys: 'Ctrl+C / Ctrl+V', what: 'Copy / paste the selected stages (on Pipeline)' },
  {
    keys: 'Delete',
    what: 'Remove the selected stages, or unbind the selected edge (on Pipeline)',
  },
  { keys: 'Shift+D', what: 'Switch dark / light theme' },
  { keys: '?', what: 'Show this help' },
  { keys: 'Esc', what: 'Close dialog or help' },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useGlobalShortcuts(): void {
  useEffect(() => {
    let pendingG = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const shell = useShell.getState();
      if (e.key === 'Escape') {
        if (shell.helpOpen) shell.setHelpOpen(false);
        return;
      }
      if (pendingG) {
        pendingG = false;
        clearTimeout(timer);
        const page = PAGES.find((p) => p.key === e.key.toLowerCase());
        if (page) {
          e.preventDefault();
          shell.go(page.id);
        }
        return;
      }
      if (e.key === 'g') {
        pendingG = true;
        timer = setTimeout(() => (pendingG = false), 1500);
      } else if (e.key === '?') {
        e.preventDefault();
        shell.setHelpOpen(!shell.helpOpen);
      } else if (e.key === 'D' && e.shiftKey) {
        e.preventDefault();
        shell.toggleTheme();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      clearTimeout(timer);
    };
  }, []);
}
