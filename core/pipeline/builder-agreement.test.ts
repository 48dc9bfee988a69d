/**
 * The editor's checks and the app builder's graph checks (remote/raydeck_serve, run here with
 * python3 through scripts/serve/pipeline_graph_check.py) agree: the builder accepts every
 * example the editor compiles, and refuses each faulty graph the editor refuses, on the same
 * stage. A graph the editor let through and the builder refused would fail only on the cluster.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FIXTURES,
  addStage,
  checkPipeline,
  connect,
  disconnect,
  gatewayPipeline,
  ragPipeline,
  removeStage,
  serveConfigOf,
  tinyLlm,
  updateStage,
  type PipelineGraph,
} from '../../shared';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Verdict {
  ok: boolean;
  stage: string | null;
  error: string | null;
}

/** The builder's verdict on each graph's compiled args. */
function builder(graphs: PipelineGraph[]): Verdict[] {
  const args = graphs.map(
    (g) => (serveConfigOf(g) as { applications: { args: unknown }[] }).applications[0]!.args,
  );
  return JSON.parse(
    execFileSync('python3', [path.join(ROOT, 'scripts/serve/pipeline_graph_check.py')], {
      input: JSON.stringify(args),
      encoding: 'utf8',
    }),
  ) as Verdict[];
}

const FAULTY: Record<string, PipelineGraph> = {
  'rag without a reranker': disconnect(ragPipeline(), 'rag', 'reranker'),
  'no ingress': removeStage(ragPipeline(), 'api'),
  'two ingresses': addStage(ragPipeline(), {
    id: 'api2',
    kind: 'ingress',
    routes: { '/x': 'rag' },
  }),
  'a dangling reference': connect(ragPipeline(), { from: 'rag', port: 'reranker', to: 'gone' }),
  'a route to the ingress': connect(gatewayPipeline(), { from: 'router', port: '13b', to: 'api' }),
  'an unreachable stage': addStage(ragPipeline(), tinyLlm('spare')),
  'a router default that is no input': updateStage(
    gatewayPipeline(),
    'router',
    (s) => ({ ...s, options: { field: 'model_size', default: '13b' } }) as typeof s,
  ),
  'a cycle': (() => {
    let g = addStage(gatewayPipeline(), {
      id: 'r2',
      kind: 'router',
      options: { field: 'x' },
      inputs: {},
    });
    g = connect(g, { from: 'router', port: '13b', to: 'r2' });
    return connect(g, { from: 'r2', port: 'back', to: 'router' });
  })(),
  'an unknown rag input': connect(ragPipeline(), { from: 'rag', port: 'extra', to: 'embed' }),
  'a custom import path that is no module:attribute': addStage(
    connect(ragPipeline(), { from: 'api', port: '/t', to: 'tool' }),
    { id: 'tool', kind: 'custom', import_path: 'no path', inputs: {} },
  ),
};

describe('editor checks and the app builder agree', () => {
  it('the builder accepts every example the editor compiles', () => {
    const names = Object.keys(FIXTURES);
    const verdicts = builder(names.map((n) => FIXTURES[n]!()));
    names.forEach((n, i) => expect(verdicts[i], n).toEqual({ ok: true, stage: null, error: null }));
  });

  it('the builder refuses each faulty graph the editor refuses, on a stage the editor names', () => {
    const names = Object.keys(FAULTY);
    const verdicts = builder(names.map((n) => FAULTY[n]!));
    names.forEach((n, i) => {
      const errors = checkPipeline(FAULTY[n]!).filter((c) => c.severity === 'error');
      expect(errors.length, `editor on ${n}`).toBeGreaterThan(0);
      const v = verdicts[i]!;
      expect(v.ok, `builder on ${n}`).toBe(false);
      expect(
        errors.map((c) => c.stageId),
        `${n}: builder said ${v.error}`,
      ).toContain(v.stage);
    });
  });
});
