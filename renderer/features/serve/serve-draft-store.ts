/**
 * The Serve page's UI state (zustand): per cluster, the config text being edited and where it
 * came from (so leaving the page keeps the edit), which editor shows, and the apply or rollback
 * operation the page follows. Server state (status, history) lives in react-query instead.
 */
import { create } from 'zustand';

export type DraftSource =
  { kind: 'history'; version: number } | { kind: 'live' } | { kind: 'template' };

export interface ServeDraft {
  text: string;
  source: DraftSource;
  /** The text as loaded: an edit is "unsaved" while the text differs from it. */
  base: string;
}

export interface FollowedApply {
  operationId: string;
  version: number;
  rollbackOf: number | null;
}

interface ServeUiState {
  drafts: Record<string, ServeDraft>;
  editor: 'form' | 'yaml';
  followed: Record<string, FollowedApply | undefined>;
  load(clusterId: string, text: string, source: DraftSource): void;
  setText(clusterId: string, text: string): void;
  setEditor(editor: 'form' | 'yaml'): void;
  follow(clusterId: string, apply: FollowedApply | null): void;
}

export const useServeUi = create<ServeUiState>((set) => ({
  drafts: {},
  editor: 'yaml',
  followed: {},
  load(clusterId, text, source) {
    set((s) => ({ drafts: { ...s.drafts, [clusterId]: { text, source, base: text } } }));
  },
  setText(clusterId, text) {
    set((s) => {
      const d = s.drafts[clusterId];
      return {
        drafts: {
          ...s.drafts,
          [clusterId]: d ? { ...d, text } : { text, source: { kind: 'template' }, base: '' },
        },
      };
    });
  },
  setEditor(editor) {
    set({ editor });
  },
  follow(clusterId, apply) {
    set((s) => ({ followed: { ...s.followed, [clusterId]: apply ?? undefined } }));
  },
}));
