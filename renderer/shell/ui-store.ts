/**
 * Shell UI state (zustand): current page (mirrored in the URL hash so reloads and the back
 * button work), theme (persisted in localStorage) and the shortcuts help overlay.
 */
import { create } from 'zustand';
import { isPageId, type PageId } from './pages';

export type Theme = 'dark' | 'light';
const THEME_KEY = 'raydeck.theme';
const CLUSTER_KEY = 'raydeck.cluster';

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // not persisted; the choice still holds for this session
  }
}

function pageFromHash(): PageId {
  const id = typeof location === 'undefined' ? '' : location.hash.replace(/^#\/?/, '');
  return isPageId(id) ? id : 'clusters';
}

function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // storage may be unavailable; fall through to the default
  }
  return 'dark';
}

interface ShellState {
  page: PageId;
  theme: Theme;
  helpOpen: boolean;
  /** The cluster the Nodes, Bring-up, Serve and Monitor pages show (persisted per browser). */
  clusterId: string | null;
  go(page: PageId): void;
  selectCluster(id: string | null): void;
  syncFromHash(): void;
  toggleTheme(): void;
  setHelpOpen(open: boolean): void;
}

export const useShell = create<ShellState>((set, get) => ({
  page: pageFromHash(),
  theme: initialTheme(),
  helpOpen: false,
  clusterId: readStored(CLUSTER_KEY),
  selectCluster(clusterId) {
    writeStored(CLUSTER_KEY, clusterId);
    set({ clusterId });
  },
  go(page) {
    if (typeof location !== 'undefined' && location.hash !== `#/${page}`)
      location.hash = `/${page}`;
    set({ page });
  },
  syncFromHash() {
    set({ page: pageFromHash() });
  },
  toggleTheme() {
    const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // not persisted; still switch for this session
    }
    set({ theme });
  },
  setHelpOpen(helpOpen) {
    set({ helpOpen });
  },
}));
