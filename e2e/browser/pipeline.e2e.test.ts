/**
 * The Pipeline page in real Chromium against the real core in browser mode, without a cluster:
 * the RAG template draws on the xyflow canvas, a stage selected by a click opens its form, an
 * llm on half a GPU gets the fractional-GPU message written on the stage (screenshot for the
 * README: docs/pipeline.png), Compile shows the Serve YAML, and save + reopen by path gives the
 * same stages. Any console error or failed request fails it. Drives the page object the cluster
 * suite uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppPage } from '../pages/app-page';
import { PipelinePage } from '../pages/pipeline-page';
import { useAppSession } from '../support/app-session';
import type { RunningRaydeck } from '../support/browser-mode';

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOT = path.join(ROOT, 'docs', 'pipeline.png');

const session = useAppSession();
let raydeck: RunningRaydeck;
let page: Page;
let app: AppPage;
beforeEach(() => ({ raydeck, page, app } = session));

describe('Pipeline page in Chromium', () => {
  it('draws the RAG template, shows a check on its stage, compiles, saves and reopens', async () => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    const pipeline = new PipelinePage(page);
    await pipeline.open();
    await pipeline.emptyState.waitFor();
    await pipeline.loadTemplate('rag');
    expect((await pipeline.stageIds()).sort()).toEqual(['api', 'embed', 'llm', 'rag', 'rerank']);
    // Laid out left to right: the ingress left of the rag stage, the rag stage left of the LLM.
    const x = async (id: string) => (await pipeline.stage(id).boundingBox())!.x;
    expect(await x('api')).toBeLessThan(await x('rag'));
    expect(await x('rag')).toBeLessThan(await x('llm'));

    await pipeline.selectStage('llm');
    await pipeline.setField('GPUs per replica', '0.5');
    const checks = await pipeline.stageChecks('llm');
    expect(checks.map((c) => c.code)).toContain('fractional-gpu-vllm');
    expect(checks.find((c) => c.code === 'fractional-gpu-vllm')!.message).toContain(
      'runs vLLM on 0.5 of a GPU',
    );
    // Tidy again now that the llm box is taller with its messages, then the picture.
    await page.getByRole('button', { name: 'Tidy' }).click();
    await page.waitForTimeout(500);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await pipeline.setField('GPUs per replica', '');
    await expect
      .poll(async () => (await pipeline.stageChecks('llm')).map((c) => c.code))
      .not.toContain('fractional-gpu-vllm');

    const yaml = await pipeline.compile();
    expect(yaml).toContain('import_path: raydeck_serve.app:build');
    await pipeline.closeCompiled();

    expect(await pipeline.tryPanel.getByTestId('try-send').isDisabled()).toBe(true);

    await pipeline.saveAs('rag-e2e.pipeline.yaml');
    expect(await pipeline.fileLabel()).toContain('rag-e2e.pipeline.yaml');
    await pipeline.loadTemplate('gateway');
    expect(await pipeline.stageIds()).toContain('router');
    await pipeline.openFile('rag-e2e.pipeline.yaml');
    await pipeline.stage('rerank').waitFor();
    expect((await pipeline.stageIds()).sort()).toEqual(['api', 'embed', 'llm', 'rag', 'rerank']);

    // An edge drawn with the mouse: rag's embedding port onto a new embedding stage.
    const added = await pipeline.addStage('Embedding');
    expect(added).toBe('embedding');
    await pipeline.page.getByRole('button', { name: 'Tidy' }).click();
    // Tidy ends with a 200 ms fit-view animation: drag once the handles stopped moving.
    await page.waitForTimeout(500);
    await pipeline.connectByDrag('rag', 'embedding', 'embedding');
  });
});
