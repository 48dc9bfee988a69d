/**
 * The editor's edits of a pipeline graph beyond shared/pipeline/graph.ts (the format and its
 * immutable helpers): adding a stage of a kind where the user dropped it, removing several at
 * once, pasting copies with fresh ids (references among the copies follow them), and the ports
 * a stage draws. Every function returns a new graph so undo/redo can keep the old one.
 */
import {
  RAG_INPUTS,
  newStage,
  refsOf,
  removeStage,
  uniqueStageId,
  type PipelineGraph,
  type PipelineStage,
  type StageKind,
} from '../../../shared/pipeline';

export function addStageOfKind(
  g: PipelineGraph,
  kind: StageKind,
  at: [number, number],
): { graph: PipelineGraph; id: string } {
  const id = uniqueStageId(g, kind);
  return {
    id,
    graph: { ...g, stages: [...g.stages, newStage(kind, id)], layout: { ...g.layout, [id]: at } },
  };
}

export function removeStages(g: PipelineGraph, ids: readonly string[]): PipelineGraph {
  return ids.reduce((acc, id) => removeStage(acc, id), g);
}

function withRefs(s: PipelineStage, refs: Record<string, string>): PipelineStage {
  switch (s.kind) {
    case 'ingress':
      return { ...s, routes: refs };
    case 'rag':
    case 'router':
    case 'custom':
      return { ...s, inputs: refs };
    default:
      return s;
  }
}

/**
 * Pastes copies of `stages` with fresh ids, `offset` px from where they were; references among
 * the copies follow them, references to stages outside the copy stay as they were.
 */
export function pasteStages(
  g: PipelineGraph,
  stages: readonly PipelineStage[],
  layout: PipelineGraph['layout'],
  offset: number,
): { graph: PipelineGraph; ids: string[] } {
  let next = g;
  const renamed = new Map<string, string>();
  for (const s of stages) {
    const id = uniqueStageId(next, s.id);
    renamed.set(s.id, id);
    // Reserve the id at once so the next copy does not take it.
    next = { ...next, stages: [...next.stages, { ...s, id }] };
  }
  const copies = stages.map((s) => {
    const refs = Object.fromEntries(
      Object.entries(refsOf(s)).map(([port, to]) => [port, renamed.get(to) ?? to]),
    );
    return withRefs({ ...structuredClone(s), id: renamed.get(s.id)! }, refs);
  });
  const nextLayout = { ...g.layout };
  for (const s of stages) {
    const [x, y] = layout[s.id] ?? [0, 0];
    nextLayout[renamed.get(s.id)!] = [x + offset, y + offset];
  }
  return {
    ids: copies.map((c) => c.id),
    graph: { ...g, stages: [...g.stages, ...copies], layout: nextLayout },
  };
}

/** The named ports a stage draws on its right edge, in order (bound or not). */
export function inputPorts(stage: PipelineStage): string[] {
  if (stage.kind === 'rag') {
    const extra = Object.keys(stage.inputs).filter(
      (k) => !(RAG_INPUTS as readonly string[]).includes(k),
    );
    return [...RAG_INPUTS, ...extra];
  }
  return Object.keys(refsOf(stage));
}

/** Whether a stage of this kind can call others (has ports at all). */
export const callsOthers = (kind: StageKind): boolean =>
  kind === 'ingress' || kind === 'rag' || kind === 'router' || kind === 'custom';
