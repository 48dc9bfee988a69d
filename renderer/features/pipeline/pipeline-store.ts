/**
 * The pipeline editor's state (zustand): the graph being drawn, where it was opened from and
 * whether it changed since, the selected stages, undo/redo stacks of whole graphs (edits are
 * immutable, so a step is one pointer), and the stage clipboard. Typing in one field of the
 * side form coalesces into one undo step. A read-only graph (a hand-written Serve config read
 * back) refuses every edit. Server state (checks, compile, files) lives in react-query.
 */
import { create } from 'zustand';
import type { PipelineGraph, PipelineStage } from '../../../shared/pipeline';
import { pasteStages, removeStages } from './graph-model';

const HISTORY_LIMIT = 200;
/** Keystrokes into the same field within this long are one undo step. */
const COALESCE_MS = 1200;

export interface StageClipboard {
  stages: PipelineStage[];
  layout: PipelineGraph['layout'];
}

interface PipelineEditorState {
  graph: PipelineGraph | null;
  /** The file it was opened from or saved to (null: never saved). */
  path: string | null;
  /** The graph as last opened or saved: the editor is dirty while `graph` differs. */
  saved: PipelineGraph | null;
  selection: string[];
  past: PipelineGraph[];
  future: PipelineGraph[];
  clipboard: StageClipboard | null;
  /** Paste count since the last copy: each paste lands a little further off. */
  pastes: number;
  lastEdit: { key: string; at: number } | null;
  /** Counts opened graphs: the canvas starts afresh (and fits the view) for each. */
  generation: number;
  /** Opens a graph: history cleared, nothing selected. */
  load(graph: PipelineGraph | null, path: string | null): void;
  /**
   * Applies an edit; returns the error message when the edit refused (a taken stage id) or the
   * graph is read-only, else null. `coalesce` names the field being typed into.
   */
  edit(fn: (g: PipelineGraph) => PipelineGraph, coalesce?: string): string | null;
  undo(): void;
  redo(): void;
  select(ids: string[]): void;
  copy(): void;
  paste(): void;
  removeSelected(): void;
  markSaved(path: string, graph: PipelineGraph): void;
}

export const usePipelineEditor = create<PipelineEditorState>((set, get) => ({
  graph: null,
  path: null,
  saved: null,
  selection: [],
  past: [],
  future: [],
  clipboard: null,
  pastes: 0,
  lastEdit: null,
  generation: 0,
  load(graph, path) {
    set((s) => ({
      graph,
      path,
      saved: graph,
      selection: [],
      past: [],
      future: [],
      lastEdit: null,
      generation: s.generation + 1,
    }));
  },
  edit(fn, coalesce) {
    const { graph, past, lastEdit } = get();
    if (!graph) return 'No pipeline is open.';
    if (graph.readOnly) return `This graph is read-only: ${graph.readOnly.reason}`;
    let next: PipelineGraph;
    try {
      next = fn(graph);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    if (next === graph) return null;
    const now = Date.now();
    const same = coalesce && lastEdit?.key === coalesce && now - lastEdit.at < COALESCE_MS;
    set({
      graph: next,
      past: same ? past : [...past, graph].slice(-HISTORY_LIMIT),
      future: [],
      lastEdit: coalesce ? { key: coalesce, at: now } : null,
      selection: get().selection.filter((id) => next.stages.some((s) => s.id === id)),
    });
    return null;
  },
  undo() {
    const { graph, past, future } = get();
    const prev = past.at(-1);
    if (!graph || !prev) return;
    set({
      graph: prev,
      past: past.slice(0, -1),
      future: [graph, ...future],
      lastEdit: null,
      selection: get().selection.filter((id) => prev.stages.some((s) => s.id === id)),
    });
  },
  redo() {
    const { graph, past, future } = get();
    const next = future[0];
    if (!graph || !next) return;
    set({
      graph: next,
      past: [...past, graph],
      future: future.slice(1),
      lastEdit: null,
      selection: get().selection.filter((id) => next.stages.some((s) => s.id === id)),
    });
  },
  select(ids) {
    const cur = get().selection;
    if (cur.length === ids.length && cur.every((id, i) => id === ids[i])) return;
    set({ selection: ids });
  },
  copy() {
    const { graph, selection } = get();
    if (!graph || selection.length === 0) return;
    const stages = graph.stages.filter((s) => selection.includes(s.id));
    const layout = Object.fromEntries(
      stages.filter((s) => graph.layout[s.id]).map((s) => [s.id, graph.layout[s.id]!]),
    );
    set({ clipboard: { stages: structuredClone(stages), layout }, pastes: 0 });
  },
  paste() {
    const { clipboard, pastes } = get();
    if (!clipboard || clipboard.stages.length === 0) return;
    let ids: string[] = [];
    const refused = get().edit((g) => {
      const r = pasteStages(g, clipboard.stages, clipboard.layout, 40 * (pastes + 1));
      ids = r.ids;
      return r.graph;
    });
    if (!refused) set({ selection: ids, pastes: pastes + 1 });
  },
  removeSelected() {
    const { selection } = get();
    if (selection.length === 0) return;
    get().edit((g) => removeStages(g, selection));
  },
  markSaved(path, graph) {
    set({ path, saved: graph });
  },
}));

/** Whether the open graph changed since it was opened or saved. */
export const isDirty = (s: { graph: PipelineGraph | null; saved: PipelineGraph | null }): boolean =>
  s.graph !== null && s.graph !== s.saved;
