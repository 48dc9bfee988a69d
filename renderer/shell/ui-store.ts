/**
 * Shell UI state (zustand): current page (mirrored in the URL hash so reloads and the back
 * button work), theme (persisted in localStorage) and the shortcuts help overlay.
 */
import { create } from 'zustand';
import { isPageId, type PageId } from './pages';

export type Theme = 'dark' | 'light';
const THEME_KEY = 'raydeck.theme';

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
  go(page: PageId): void;
  syncFromHash(): void;
  toggleTheme(): void;
  setHelpOpen(open: boolean): void;
}

export const useShell = create<ShellState>((set, get) => ({
  page: pageFromHash(),
  theme: initialTheme(),
  helpOpen: false,
  go(page) {
    if (typeof location !== 'undefined' && location.hash !== `#/${page}`) location.hash = `/${page}`;
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
