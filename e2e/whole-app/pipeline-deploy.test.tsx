// @vitest-environment jsdom
/**
 * Whole-app: the Pipeline page's files and its way to the cluster, against a real core — save,
 * close and reopen gives the same graph; a Serve config Raydeck compiled opens as its graph, a
 * hand-written one as a read-only graph; Compile shows the Serve YAML; Deploy (double-clicked)
 * compiles once, shows the Serve review with the running app kept, applies once and follows
 * it to RUNNING on the stand-in Ray dashboard; Try it sends the request through the core and
 * shows the answer, its origin and per-stage timings.
 */
import { act, fireEvent, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { compilePipeline, gatewayPipeline, type PipelineGraph } from '../../shared/pipeline';
import { usePipelineEditor } from '../../renderer/features/pipeline/pipeline-store';
import {
  screen,
  selectStage,
  setField,
  stageBox,
  stageIds,
  usePipelineHarness,
} from './pipeline-harness';

const h = usePipelineHarness();

const ECHO = `applications:
- name: echo
  route_prefix: /echo
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 1
`;

/** The graph as the app holds it, without editor positions (they may differ after a layout). */
const shape = (g: PipelineGraph | null) => g && { ...g, layout: {} };

async function openDialog() {
  const toolbar = await screen.findByRole('toolbar', { name: 'Pipeline' });
  fireEvent.click(within(toolbar).getByRole('button', { name: 'Open…' }));
  return within(await screen.findByTestId('pipeline-open-dialog'));
}

describe('Pipeline page: files, compile, deploy, try', () => {
  it('save, close and reopen gives the same graph', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-rag'));
    const form = await selectStage('rerank');
    setField(form, 'Replicas', '3');
    const edited = usePipelineEditor.getState().graph;
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const save = within(await screen.findByTestId('pipeline-save-dialog'));
    fireEvent.change(save.getByLabelText('Path'), { target: { value: 'rag.yaml' } });
    expect(save.getByText('A pipeline file ends in .pipeline.yaml.')).toBeTruthy();
    fireEvent.change(save.getByLabelText('Path'), { target: { value: 'my-rag.pipeline.yaml' } });
    fireEvent.click(save.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByTestId('pipeline-save-dialog')).toBeNull());
    expect(screen.getByTestId('pipeline-file').textContent).not.toContain('(changed)');

    // Another pipeline replaces it; then open the saved one again.
    fireEvent.click(screen.getByRole('button', { name: 'New' }));
    fireEvent.click(
      within(await screen.findByTestId('pipeline-new-dialog')).getByTestId('template-gateway'),
    );
    await stageBox('router');
    const dialog = await openDialog();
    // Listed by the pipeline's own name, with its path.
    fireEvent.click(await dialog.findByRole('button', { name: 'rag' }));
    expect((dialog.getByLabelText('Path') as HTMLInputElement).value).toMatch(
      /pipelines[/\\]my-rag\.pipeline\.yaml$/,
    );
    fireEvent.click(dialog.getByRole('button', { name: 'Open' }));
    await stageBox('rerank');
    expect(shape(usePipelineEditor.getState().graph)).toEqual(shape(edited));
    expect(usePipelineEditor.getState().graph!.layout).toEqual(edited!.layout);
    expect(
      (await stageBox('rerank')).querySelector('[data-testid="stage-replicas"]')!.textContent,
    ).toBe('×3');
    expect(screen.getByTestId('pipeline-file').textContent).toContain('my-rag.pipeline.yaml');
  });

  it('a Serve config Raydeck compiled opens as its graph; a hand-written one read-only', async () => {
    await h.start();
    h.renderApp();
    const yaml = compilePipeline(gatewayPipeline()).yaml!;
    fireEvent.click(await screen.findByRole('button', { name: 'Start empty' }));
    let dialog = await openDialog();
    fireEvent.click(dialog.getByRole('tab', { name: 'Serve config' }));
    fireEvent.change(dialog.getByLabelText('Serve config YAML'), { target: { value: yaml } });
    fireEvent.click(dialog.getByRole('button', { name: 'Open' }));
    await stageBox('router');
    expect(stageIds().sort()).toEqual(['api', 'llm_70b', 'llm_7b', 'router']);
    expect(shape(usePipelineEditor.getState().graph)).toEqual(shape(gatewayPipeline()));
    expect(screen.queryByTestId('pipeline-read-only')).toBeNull();

    dialog = await openDialog();
    fireEvent.click(dialog.getByRole('tab', { name: 'Serve config' }));
    fireEvent.change(dialog.getByLabelText('Serve config YAML'), {
      target: {
        value:
          'applications:\n- name: echo\n  route_prefix: /echo\n  import_path: demo:app\n  deployments:\n  - name: Echo\n    num_replicas: 2\n',
      },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Open' }));
    expect((await screen.findByTestId('pipeline-read-only')).textContent).toContain('Read-only');
    expect(stageIds()).toContain('Echo');
    expect(screen.getByRole('button', { name: 'Add LLM stage' })).toHaveProperty('disabled', true);
  });

  it('Compile shows the Serve YAML; Deploy started twice applies once and follows it to RUNNING', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await stageBox('router');
    fireEvent.click(screen.getByRole('button', { name: 'Compile' }));
    const compiled = await screen.findByTestId('pipeline-compile-dialog');
    await waitFor(() =>
      expect(compiled.querySelector('.cm-content')?.textContent).toContain(
        'raydeck_serve.app:build',
      ),
    );
    fireEvent.click(within(compiled).getByRole('button', { name: 'Close' }));

    const deploy = screen.getByTestId('pipeline-deploy');
    await waitFor(() => expect(deploy).toHaveProperty('disabled', false));
    fireEvent.click(deploy);
    fireEvent.click(deploy);
    const review = within(await screen.findByTestId('serve-review', {}, { timeout: 8000 }));
    expect(review.queryByTestId('diff-deletes')).toBeNull();
    const apps = review.getAllByTestId('diff-app').map((a) => [a.dataset.name, a.dataset.change]);
    expect(apps).toEqual([['gateway', 'added']]);
    const apply = review.getByTestId('serve-apply');
    fireEvent.click(apply);
    fireEvent.click(apply);
    await waitFor(
      () => expect(screen.getByTestId('serve-follow').dataset.state).toBe('succeeded'),
      { timeout: 10_000 },
    );
    expect(h.fake.puts).toHaveLength(1);
    const sent = h.fake.puts[0] as { applications: { name: string; import_path: string }[] };
    expect(sent.applications.map((a) => [a.name, a.import_path])).toEqual([
      ['gateway', 'raydeck_serve.app:build'],
    ]);
    // The Serve history recorded it like any apply.
    const history = await createClient(createMemoryTransport(h.core.service)).call(
      'serve.history',
      { clusterId: h.clusterId },
    );
    expect(history.map((e) => e.applications)).toEqual([['gateway']]);
  });

  it('Deploy keeps the apps applied before, as the Serve history wrote them', async () => {
    await h.start({ start: 'empty' });
    const client = createClient(createMemoryTransport(h.core.service));
    await client.call('serve.apply', { clusterId: h.clusterId, text: ECHO, wait: true });
    await waitFor(async () =>
      expect(
        (await client.call('serve.history', { clusterId: h.clusterId }))[0]?.result.state,
      ).toBe('running'),
    );
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await stageBox('router');
    const deploy = screen.getByTestId('pipeline-deploy');
    await waitFor(() => expect(deploy).toHaveProperty('disabled', false));
    fireEvent.click(deploy);
    const review = within(await screen.findByTestId('serve-review', {}, { timeout: 8000 }));
    expect(review.queryByTestId('diff-deletes')).toBeNull();
    expect(review.queryByTestId('deploy-dropped')).toBeNull();
    const apps = review.getAllByTestId('diff-app').map((a) => [a.dataset.name, a.dataset.change]);
    expect(apps).toEqual([['gateway', 'added']]);
    fireEvent.click(review.getByTestId('serve-apply'));
    await waitFor(
      () => expect(screen.getByTestId('serve-follow').dataset.state).toBe('succeeded'),
      { timeout: 10_000 },
    );
    const sent = h.fake.puts.at(-1) as { applications: { name: string }[] };
    expect(sent.applications.map((a) => a.name)).toEqual(['echo', 'gateway']);
  });

  it('an app Ray runs that Raydeck never applied, with hidden env_vars, is named in the review as not kept', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await stageBox('router');
    const deploy = screen.getByTestId('pipeline-deploy');
    await waitFor(() => expect(deploy).toHaveProperty('disabled', false));
    fireEvent.click(deploy);
    const review = within(await screen.findByTestId('serve-review', {}, { timeout: 8000 }));
    expect(review.getByTestId('deploy-dropped').textContent).toContain('Not kept: llm.');
    expect(review.getByTestId('diff-deletes').textContent).toContain('llm');
    fireEvent.click(review.getByRole('button', { name: 'Keep editing' }));
    expect(h.fake.writes).toBe(0);
  });

  it('an application running on the cluster opens as the graph it was deployed from', async () => {
    await h.start({ start: 'empty' });
    const client = createClient(createMemoryTransport(h.core.service));
    const yaml = compilePipeline(gatewayPipeline()).yaml!;
    await client.call('serve.apply', { clusterId: h.clusterId, text: yaml, wait: true });
    h.renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Start empty' }, { timeout: 8000 }));
    const dialog = await openDialog();
    fireEvent.click(dialog.getByRole('tab', { name: 'Running on the cluster' }));
    fireEvent.click(await dialog.findByRole('button', { name: 'gateway' }, { timeout: 5000 }));
    await stageBox('router');
    expect(shape(usePipelineEditor.getState().graph)).toEqual(shape(gatewayPipeline()));
  });

  it('a graph with an error cannot be deployed, and Compile says which stage stops it', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    const form = await selectStage('llm_7b');
    setField(form, 'GPUs per replica', '0.5');
    await act(async () => new Promise((r) => setTimeout(r, 400)));
    await waitFor(() =>
      expect(screen.getByTestId('pipeline-deploy')).toHaveProperty('disabled', true),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Compile' }));
    const refusal = await screen.findByTestId('compile-refusal');
    expect(refusal.textContent).toContain('stage "llm_7b"');
    expect(h.fake.writes).toBe(0);
  });

  it('Try it sends the router request through the core and shows the answer, its origin and per-stage timings', async () => {
    const posted: { path: string; body: unknown }[] = [];
    await h.start({
      start: 'empty',
      servePoster: async (_cluster, path, payload) => {
        posted.push({ path, body: JSON.parse(payload) });
        return {
          status: 200,
          text: JSON.stringify({
            answer: 'seventy billion parameters say hi',
            origin: 'llm_70b',
            timings_ms: { api: 30.5, router: 25, llm_70b: 20.25 },
          }),
        };
      },
    });
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await stageBox('router');
    const panel = within(screen.getByTestId('pipeline-try'));
    // Nothing deployed yet: the core says so.
    fireEvent.change(panel.getByLabelText('Request'), { target: { value: 'router' } });
    fireEvent.click(panel.getByTestId('try-send'));
    expect((await panel.findByTestId('try-error')).textContent).toContain(
      'deploy the pipeline first',
    );

    fireEvent.click(screen.getByTestId('pipeline-deploy'));
    const review = within(await screen.findByTestId('serve-review', {}, { timeout: 8000 }));
    fireEvent.click(review.getByTestId('serve-apply'));
    await waitFor(
      () => expect(screen.getByTestId('serve-follow').dataset.state).toBe('succeeded'),
      { timeout: 10_000 },
    );
    fireEvent.change(panel.getByLabelText('Value'), { target: { value: '70b' } });
    fireEvent.change(panel.getByLabelText('Prompt'), { target: { value: 'hello' } });
    fireEvent.click(panel.getByTestId('try-send'));
    const answer = within(await panel.findByTestId('try-answer'));
    expect(answer.getByTestId('try-origin').textContent).toBe('origin llm_70b');
    expect(answer.getByTestId('try-answer-text').textContent).toBe(
      'seventy billion parameters say hi',
    );
    const bars = answer.getAllByTestId('try-timing');
    expect(bars.map((b) => [b.dataset.stage, Number(b.dataset.ms)])).toEqual([
      ['api', 30.5],
      ['router', 25],
      ['llm_70b', 20.25],
    ]);
    expect(posted).toEqual([
      { path: '/gateway/gateway', body: { model_size: '70b', prompt: 'hello', max_tokens: 32 } },
    ]);
  });
});
