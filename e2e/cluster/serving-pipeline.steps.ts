/**
 * The pipeline editor against the serving cluster (issue 17), as steps of the serving test's
 * Chromium part (same cluster, same page: vLLM is installed on node2 once per suite). Serve is
 * cleared first (one vLLM engine at a time fits 2 cores); the tiny BERTs (scripts/pipeline,
 * no hub) go to node2 from the Serve page's models panel. Then from the Pipeline page: the
 * seed's RAG pipeline from its template deployed and answering a query end to end through
 * the head with per-stage timings (real vLLM, real sentence-transformers); a tensor-parallel
 * LLM compiled to its bundles and refused on its stage when wider than the node. Seed 001's
 * gateway runs on a fresh cluster of its own (pipeline-gateway.cluster.test.ts): two vLLM
 * engines on node2 after this file's many engines came and went lost a worker here.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Core } from '../../core/api/create-core';
import { PipelinePage } from '../pages/pipeline-page';
import type { ServePage } from '../pages/serve-page';
import { ROOT } from '../support/testbed';
import { postThroughHead, rayServeApps } from './serving-support';

export interface PipelineStepsContext {
  page: Page;
  serve: ServePage;
  core: Core;
  headId: string;
}

const DOCS = [
  'Raydeck brings Ray clusters up over SSH.',
  'Ray Serve runs deployments with replicas.',
  'vLLM serves large language models.',
  'Bananas are yellow.',
  'The reranker orders candidates by relevance.',
];

/** Deletes every Serve application from the Serve page (the review names them). */
async function clearServe(serve: ServePage, expectDeleted: string[]): Promise<void> {
  await serve.openCluster('serving');
  await serve.setYaml('applications: []\n');
  await serve.review();
  expect((await serve.reviewedDeletes()).sort()).toEqual([...expectDeleted].sort());
  await serve.apply();
  await serve.waitForApplied(300_000);
}

export function pipelineSteps(ctx: () => PipelineStepsContext): void {
  it('clears Serve and puts the tiny embedding and reranker models on node2 from the Serve page', async () => {
    const { serve, core, headId } = ctx();
    await clearServe(serve, ['llm']);
    expect(Object.keys(await rayServeApps(core, headId))).toEqual([]);
    const [embed, rerank] = execFileSync(path.join(ROOT, 'scripts/pipeline/tiny-models.sh'), {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    await serve.addLocalModel('tiny-embed', embed!);
    await serve.addLocalModel('tiny-rerank', rerank!);
    for (const name of ['tiny-embed', 'tiny-rerank']) {
      const placed = await serve.putModelOnNodes(name, ['node2']);
      expect(placed.state, placed.log).toBe('succeeded');
    }
  }, 600_000);

  it("deploys the seed's RAG pipeline from the Pipeline page and answers a query through the head, with per-stage timings", async () => {
    const { page, core, headId } = ctx();
    const pipeline = new PipelinePage(page);
    await pipeline.open();
    await pipeline.pickCluster('serving');
    await pipeline.loadTemplate('rag');
    expect((await pipeline.stageIds()).sort()).toEqual(['api', 'embed', 'llm', 'rag', 'rerank']);
    // The ingress only routes: no CPU of its own (node2 has 2 CPUs for Ray). The embedding stage
    // asks for one of node2's 2 stand-in GPUs (a Ray logical resource; the model runs on CPU),
    // so the Monitor's GPU fit step has a GPU deployment to scale.
    await pipeline.selectStage('api');
    await pipeline.setField('CPUs per replica', '0');
    await pipeline.selectStage('embed');
    await pipeline.setField('CPUs per replica', '0');
    await pipeline.setField('GPUs per replica', '1');
    const started = Date.now();
    await pipeline.deploy();
    await pipeline.waitForDeployed(900_000);
    console.log(
      `RAG pipeline RUNNING ${((Date.now() - started) / 1000).toFixed(0)} s after Deploy`,
    );
    expect((await rayServeApps(core, headId)).rag?.status).toBe('RUNNING');
    await pipeline.sendTry({ kind: 'rag', text: 'What does Ray Serve run?', candidates: DOCS });
    const answer = await pipeline.answer();
    expect(answer.status).toBe(200);
    expect(answer.origin).toBe('llm');
    const timings = await pipeline.timings();
    for (const stage of ['api', 'rag', 'embed', 'rerank', 'llm'])
      expect(timings[stage], `${stage} in ${JSON.stringify(timings)}`).toBeGreaterThan(0);
    // The stages' own sum stays inside the whole request's time at the ingress.
    expect(timings.llm!).toBeLessThanOrEqual(timings.api!);
    console.log(`RAG per-stage timings (ms): ${JSON.stringify(timings)}`);
    // The same answer shape straight from Serve's proxy (not through Raydeck's try panel).
    const direct = await postThroughHead(core, headId, '/rag/query', {
      query: 'What does Ray Serve run?',
      candidates: DOCS,
    });
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ origin: 'llm' });
    expect(Object.keys(direct.body.timings_ms as object).sort()).toEqual(
      ['api', 'embed', 'llm', 'rag', 'rerank'].sort(),
    );
    await page.screenshot({ path: path.join(ROOT, 'docs', 'pipeline-rag.png'), fullPage: true });
  }, 960_000);

  it('a tensor-parallel LLM compiles to one GPU bundle per worker; wider than any node it is refused on its stage', async () => {
    const { page } = ctx();
    const pipeline = new PipelinePage(page);
    await pipeline.loadTemplate('tp-llm');
    const yaml = await pipeline.compile();
    expect(yaml).toMatch(/tensor_parallel_size: 2/);
    expect(yaml.match(/GPU: 1/g)?.length).toBe(2);
    await pipeline.closeCompiled();
    await pipeline.selectStage('llm');
    await pipeline.setField('tensor_parallel_size', '4');
    // Checked against the cluster's nodes (2 GPUs each, from preflight), debounced.
    await expect
      .poll(async () => (await pipeline.stageChecks('llm')).map((c) => `${c.severity}:${c.code}`), {
        timeout: 15_000,
      })
      .toContain('error:tp-exceeds-node');
    expect(await page.getByTestId('pipeline-deploy').isDisabled()).toBe(true);
  }, 120_000);
}
