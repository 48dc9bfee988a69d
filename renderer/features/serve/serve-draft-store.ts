/**
 * The Serve page's UI state (zustand): per cluster, the config text being edited and where it
 * came from (so leaving the page keeps the edit) with the file it was opened from or saved to,
 * which editor shows, and the apply or rollback operation the page follows. Server state (status, history) lives in react-query instead.
 */
import { create } from 'zustand';

export type DraftSource =
  { kind: 'history'; version: number } | { kind: 'live' } | { kind: 'template' } | { kind: 'file' };

/** The file the draft was opened from or last saved to (on the core's machine). */
export interface DraftFile {
  path: string;
  /** What the file was when read or written: a save is refused if it changed since. */
  stamp: { mtimeMs: number; size: number; sha256: string };
  /** For a RayService manifest: which one, and the manifest line its serveConfigV2 starts at (Save writes back into it). */
  rayService: { name: string; documentIndex: number; documents: number; line: number } | null;
}

export interface ServeDraft {
  text: string;
  source: DraftSource;
  /** The text as loaded or saved: an edit is "unsaved" while the text differs from it. */
  base: string;
  file: DraftFile | null;
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
  load(clusterId: string, text: string, source: DraftSource, file?: DraftFile): void;
  /** The text was written to `file`: it is the new base. */
  saved(clusterId: string, text: string, file: DraftFile): void;
  setText(clusterId: string, text: string): void;
  setEditor(editor: 'form' | 'yaml'): void;
  follow(clusterId: string, apply: FollowedApply | null): void;
}

export const useServeUi = create<ServeUiState>((set) => ({
  drafts: {},
  editor: 'yaml',
  followed: {},
  load(clusterId, text, source, file) {
    set((s) => ({
      drafts: { ...s.drafts, [clusterId]: { text, source, base: text, file: file ?? null } },
    }));
  },
  saved(clusterId, text, file) {
    set((s) => {
      const d = s.drafts[clusterId];
      if (!d) return s;
      return {
        drafts: { ...s.drafts, [clusterId]: { ...d, base: text, file, source: { kind: 'file' } } },
      };
    });
  },
  setText(clusterId, text) {
    set((s) => {
      const d = s.drafts[clusterId];
      return {
        drafts: {
          ...s.drafts,
          [clusterId]: d
            ? { ...d, text }
            : { text, source: { kind: 'template' }, base: '', file: null },
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
