/** The pipeline editor store: edits, undo/redo, typing coalesced, copy/paste, delete, read-only. */
import { beforeEach, describe, expect, it } from 'vitest';
import { connect, emptyPipeline, type PipelineGraph } from '../../../shared/pipeline';
import { addStageOfKind } from './graph-model';
import { isDirty, usePipelineEditor } from './pipeline-store';

const ed = () => usePipelineEditor.getState();
const ids = () => ed().graph!.stages.map((s) => s.id);

function add(kind: Parameters<typeof addStageOfKind>[1]): string {
  let id = '';
  ed().edit((g) => {
    const r = addStageOfKind(g, kind, [0, 0]);
    id = r.id;
    return r.graph;
  });
  return id;
}

describe('pipeline editor store', () => {
  beforeEach(() => ed().load(emptyPipeline('p'), null));

  it('undoes and redoes whole edits, and a new edit drops the redo stack', () => {
    add('embedding');
    add('llm');
    expect(ids()).toEqual(['embedding', 'llm']);
    ed().undo();
    expect(ids()).toEqual(['embedding']);
    ed().undo();
    expect(ids()).toEqual([]);
    ed().undo();
    expect(ids()).toEqual([]);
    ed().redo();
    expect(ids()).toEqual(['embedding']);
    add('reranker');
    ed().redo();
    expect(ids()).toEqual(['embedding', 'reranker']);
    expect(ed().future).toEqual([]);
  });

  it('typing into one field is one undo step; another field is another', () => {
    add('custom');
    const setPath = (p: string) =>
      ed().edit(
        (g) => ({
          ...g,
          stages: g.stages.map((s) => (s.kind === 'custom' ? { ...s, import_path: p } : s)),
        }),
        'custom.import_path',
      );
    setPath('m');
    setPath('mo');
    setPath('mod:X');
    expect(ed().past).toHaveLength(2);
    ed().undo();
    const custom = ed().graph!.stages[0]!;
    expect(custom.kind === 'custom' && custom.import_path).toBe('');
  });

  it('copy and paste gives fresh ids, keeps edges among the copies, selects the copies', () => {
    add('rag');
    add('embedding');
    ed().edit((g) => connect(g, { from: 'rag', port: 'embedding', to: 'embedding' }));
    ed().select(['rag', 'embedding']);
    ed().copy();
    ed().paste();
    expect(ids()).toEqual(['rag', 'embedding', 'rag_2', 'embedding_2']);
    expect(ed().selection).toEqual(['rag_2', 'embedding_2']);
    const copy = ed().graph!.stages.find((s) => s.id === 'rag_2')!;
    expect(copy.kind === 'rag' && copy.inputs).toEqual({ embedding: 'embedding_2' });
    // Pasted away from the originals, further each time.
    expect(ed().graph!.layout.rag_2).toEqual([40, 40]);
    ed().paste();
    expect(ed().graph!.layout.rag_3).toEqual([80, 80]);
  });

  it('Delete removes the selected stages and the edges to them; undo brings both back', () => {
    add('rag');
    add('llm');
    ed().edit((g) => connect(g, { from: 'rag', port: 'llm', to: 'llm' }));
    ed().select(['llm']);
    ed().removeSelected();
    expect(ids()).toEqual(['rag']);
    const rag = ed().graph!.stages[0]!;
    expect(rag.kind === 'rag' && rag.inputs).toEqual({});
    expect(ed().selection).toEqual([]);
    ed().undo();
    const back = ed().graph!.stages[0]!;
    expect(back.kind === 'rag' && back.inputs).toEqual({ llm: 'llm' });
  });

  it('a refused edit says why and changes nothing; a read-only graph refuses every edit', () => {
    add('llm');
    add('embedding');
    const before = ed().graph;
    const why = ed().edit((g) => {
      throw new Error(`a stage named "llm" already exists (${g.name})`);
    });
    expect(why).toBe('a stage named "llm" already exists (p)');
    expect(ed().graph).toBe(before);
    const ro: PipelineGraph = { ...emptyPipeline('hand'), readOnly: { reason: 'written by hand' } };
    ed().load(ro, '/x.yaml');
    expect(add('llm')).toBe('');
    expect(ed().edit((g) => g)).toBe('This graph is read-only: written by hand');
  });

  it('is dirty after an edit until saved', () => {
    expect(isDirty(ed())).toBe(false);
    add('llm');
    expect(isDirty(ed())).toBe(true);
    ed().markSaved('/p.yaml', ed().graph!);
    expect(isDirty(ed())).toBe(false);
    expect(ed().path).toBe('/p.yaml');
  });
});
