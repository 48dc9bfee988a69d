/**
 * Automatic layout of a pipeline graph with elkjs (layered, left to right: the ingress on the
 * left, the stages it calls to its right, in request order). Used by "Tidy" and when a graph
 * without saved positions opens (`withLayout`); the positions go into the graph's `layout`.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { edgesOf, type PipelineGraph } from '../../../shared/pipeline';

/** A stage box as the layout sees it. */
export interface LayoutBox {
  id: string;
  width: number;
  height: number;
}

/** A DeploymentHandle binding: `from` calls `to`. */
export interface LayoutLink {
  from: string;
  to: string;
}

export type Positions = Record<string, [number, number]>;

/** The size the canvas draws a stage at before xyflow measured it (its CSS min size). */
export const STAGE_BOX = { width: 220, height: 120 } as const;

let elk: InstanceType<typeof ELK> | null = null;

/** Positions (top-left corners) for every box; links to unknown boxes are ignored. */
export async function layoutStages(
  boxes: readonly LayoutBox[],
  links: readonly LayoutLink[],
): Promise<Positions> {
  elk ??= new ELK();
  const known = new Set(boxes.map((b) => b.id));
  const result = await elk.layout({
    id: 'pipeline',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: boxes.map((b) => ({ id: b.id, width: b.width, height: b.height })),
    edges: links
      .filter((l) => known.has(l.from) && known.has(l.to) && l.from !== l.to)
      .map((l, i) => ({ id: `e${i}`, sources: [l.from], targets: [l.to] })),
  });
  const out: Positions = {};
  for (const c of result.children ?? []) out[c.id] = [Math.round(c.x ?? 0), Math.round(c.y ?? 0)];
  return out;
}

/** A box's size before it was drawn: taller for each port it lists. */
function estimatedBox(graph: PipelineGraph, id: string): { width: number; height: number } {
  const ports = edgesOf(graph).filter((e) => e.from === id).length;
  return { width: STAGE_BOX.width, height: STAGE_BOX.height + 18 * ports };
}

/**
 * Fills in positions for stages that have none (a template, a config read back), or lays out
 * every stage (`all`: Tidy). `sizes` are the boxes as drawn (taller with check messages).
 */
export async function withLayout(
  graph: PipelineGraph,
  all = false,
  sizes: Record<string, { width: number; height: number }> = {},
): Promise<PipelineGraph> {
  if (!all && graph.stages.every((s) => graph.layout[s.id])) return graph;
  const positions = await layoutStages(
    graph.stages.map((s) => ({ id: s.id, ...(sizes[s.id] ?? estimatedBox(graph, s.id)) })),
    edgesOf(graph).map((e) => ({ from: e.from, to: e.to })),
  );
  return { ...graph, layout: all ? positions : { ...positions, ...graph.layout } };
}
