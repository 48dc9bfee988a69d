/** `raydeck pipeline compile|show` over a real core (CLI test kit): exit 1 naming the stage, -o, --cluster, read-back as text. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  pipelineFileText,
  ragPipeline,
  tpPipeline,
  validateServeYaml,
  disconnect,
} from '../../../shared';
import { cliHarness, type CliHarness } from '../cli-test-kit';

let h: CliHarness;
afterEach(() => h?.cleanup());

function write(name: string, text: string): string {
  const p = path.join(h.home, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('raydeck pipeline compile', () => {
  it('writes the Serve config with -o; it passes the Serve validator', async () => {
    h = cliHarness();
    const p = write('rag.pipeline.yaml', pipelineFileText(ragPipeline()));
    const out = path.join(h.home, 'serve.yaml');
    const r = await h.run(['pipeline', 'compile', p, '-o', out]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      `${p}: compiled 5 stages to ${out} (deploy: raydeck serve apply CLUSTER ${out})`,
    ]);
    const text = fs.readFileSync(out, 'utf8');
    expect(validateServeYaml(text).ok).toBe(true);
    expect(parse(text).applications[0].import_path).toBe('raydeck_serve.app:build');
  });

  it('prints the YAML on stdout without -o', async () => {
    h = cliHarness();
    const p = write('tp.pipeline.yaml', pipelineFileText(tpPipeline(2)));
    const r = await h.run(['pipeline', 'compile', p]);
    expect(r.code).toBe(0);
    expect(
      parse(r.out.join('\n')).applications[0].args.pipeline.stages[1].llm_config
        .placement_group_config,
    ).toEqual({
      bundles: [{ GPU: 1 }, { GPU: 1 }],
      strategy: 'STRICT_PACK',
    });
  });

  it('exits 1 naming the stage of a failed check', async () => {
    h = cliHarness();
    const p = write(
      'broken.pipeline.yaml',
      pipelineFileText(disconnect(ragPipeline(), 'rag', 'reranker')),
    );
    const r = await h.run(['pipeline', 'compile', p, '-o', path.join(h.home, 'never.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${p}: error [missing-input] stage "rag": rag stage "rag" has no reranker input; it needs an embedding, a reranker and an llm — connect its reranker input to a reranker stage`,
    );
    expect(r.err).toEqual([
      `raydeck: ${p} does not compile: stage "rag": rag stage "rag" has no reranker input; it needs an embedding, a reranker and an llm`,
    ]);
    expect(fs.existsSync(path.join(h.home, 'never.yaml'))).toBe(false);
  });

  it("with --cluster, refuses tensor parallel wider than the cluster's nodes", async () => {
    h = cliHarness();
    const p = write('tp4.pipeline.yaml', pipelineFileText(tpPipeline(4)));
    h.stand('clusters.list', () => [{ id: 'c1', name: 'lab' }] as never);
    h.stand('pipeline.compile', async (input) => {
      expect(input.clusterId).toBe('c1');
      const { compilePipeline } = await import('../../../shared');
      const nodes = [{ name: 'n1', gpus: 2, gpuMemoryMiB: 81559 }];
      const out = compilePipeline(input.graph as never, { cluster: { nodes } });
      return { yaml: out.yaml, checks: out.checks, refusal: out.refusal, nodes };
    });
    const r = await h.run(['pipeline', 'compile', p, '--cluster', 'lab']);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(
      /^raydeck: .*tp4\.pipeline\.yaml does not compile: stage "llm": llm stage "llm" needs 4 GPUs on one node \(tensor parallel 4\), but the cluster's largest node has 2 \(and 1 more\)$/,
    );
  });

  it('refuses a file that is not a pipeline, naming it', async () => {
    h = cliHarness();
    expect((await h.run(['pipeline', 'compile', 'x.yaml'])).code).toBe(2);
    const missing = await h.run(['pipeline', 'compile', 'nope.pipeline.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/nope\.pipeline\.yaml: no such file/);
  });
});

describe('raydeck pipeline show', () => {
  it('reads a compiled config back as stages, replicas, GPUs and edges', async () => {
    h = cliHarness();
    const p = write('rag.pipeline.yaml', pipelineFileText(ragPipeline()));
    const serve = path.join(h.home, 'serve.yaml');
    expect((await h.run(['pipeline', 'compile', p, '-o', serve])).code).toBe(0);
    const r = await h.run(['pipeline', 'show', serve]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('application rag: pipeline "rag"');
    expect(r.out[1]).toMatch(/^ {2}STAGE +KIND +REPLICAS +GPUS\/REPLICA +WHAT$/);
    expect(r.out.find((l) => l.includes('embed  ') && l.includes('embedding'))).toMatch(
      /embed +embedding +1 +0 +\/root\/\.raydeck\/models\/tiny-embed/,
    );
    expect(r.out.find((l) => /^ {2}llm /.test(l))).toMatch(
      /llm +llm +1 +0 +llm \(\/root\/\.raydeck\/models\/tiny-llama\)/,
    );
    expect(r.out).toContain('    rag -[reranker]-> rerank');
    expect(r.out).toContain('    api -[/query]-> rag');
    const json = await h.run(['pipeline', 'show', serve, '--json']);
    expect(JSON.parse(json.out.join('\n')).apps[0].graph).toEqual(ragPipeline());
  });

  it('shows a hand-written config read-only, with GPUs per replica and no edges', async () => {
    h = cliHarness();
    const serve = write(
      'hand.yaml',
      'applications:\n  - name: app1\n    import_path: mymod:app\n    deployments:\n      - name: Model\n        num_replicas: 2\n        ray_actor_options: {num_gpus: 1}\n',
    );
    const r = await h.run(['pipeline', 'show', serve]);
    expect(r.out[0]).toMatch(
      /^application app1: pipeline "app1" \(read-only: application "app1" is hand-written/,
    );
    expect(r.out[2]).toMatch(/Model +custom +2 +1 +mymod:app/);
    expect(r.out.at(-1)).toBe('  edges: none known');
  });
});
