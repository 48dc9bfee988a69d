/** The graph's immutable edits: edges follow renames and removals, old graphs stay untouched (undo). */
import { describe, expect, it } from 'vitest';
import {
  addStage,
  connect,
  disconnect,
  edgesOf,
  emptyPipeline,
  ingressOf,
  newStage,
  parsePipelineGraph,
  removeStage,
  renameStage,
  uniqueStageId,
} from './graph';

function rag() {
  let g = emptyPipeline('rag');
  for (const [kind, id] of [
    ['ingress', 'api'],
    ['embedding', 'embed'],
    ['reranker', 'rerank'],
    ['llm', 'llm'],
    ['rag', 'rag'],
  ] as const)
    g = addStage(g, newStage(kind, id), [0, 0]);
  g = connect(g, { from: 'rag', port: 'embedding', to: 'embed' });
  g = connect(g, { from: 'rag', port: 'reranker', to: 'rerank' });
  g = connect(g, { from: 'rag', port: 'llm', to: 'llm' });
  return connect(g, { from: 'api', port: '/query', to: 'rag' });
}

describe('pipeline graph edits', () => {
  it('derives edges from inputs and routes', () => {
    expect(edgesOf(rag())).toEqual([
      { from: 'api', port: '/query', to: 'rag' },
      { from: 'rag', port: 'embedding', to: 'embed' },
      { from: 'rag', port: 'reranker', to: 'rerank' },
      { from: 'rag', port: 'llm', to: 'llm' },
    ]);
    expect(ingressOf(rag())).toBe('api');
  });

  it('removing a stage removes its edges and position, and leaves the old graph as it was', () => {
    const before = rag();
    const after = removeStage(before, 'rerank');
    expect(edgesOf(after).some((e) => e.to === 'rerank')).toBe(false);
    expect(after.layout.rerank).toBeUndefined();
    expect(edgesOf(before)).toHaveLength(4);
    expect(before.layout.rerank).toEqual([0, 0]);
  });

  it('renaming a stage follows every edge and the layout', () => {
    const g = renameStage(rag(), 'llm', 'chat');
    expect(edgesOf(g)).toContainEqual({ from: 'rag', port: 'llm', to: 'chat' });
    expect(g.layout.chat).toEqual([0, 0]);
    expect(() => renameStage(g, 'chat', 'embed')).toThrow(/already exists/);
  });

  it('refuses an edge out of a model stage and a duplicate id', () => {
    expect(() => connect(rag(), { from: 'llm', port: 'x', to: 'embed' })).toThrow(/caller/);
    expect(() => addStage(rag(), newStage('llm', 'llm'))).toThrow(/already exists/);
    expect(edgesOf(disconnect(rag(), 'rag', 'llm'))).toHaveLength(3);
  });

  it('finds free ids and parses its own output', () => {
    expect(uniqueStageId(rag(), 'llm')).toBe('llm_2');
    expect(uniqueStageId(rag(), '9 x')).toBe('x');
    expect(parsePipelineGraph(JSON.parse(JSON.stringify(rag())))).toEqual(rag());
  });
});
