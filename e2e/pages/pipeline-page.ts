/**
 * Page object for the Pipeline page (the visual pipeline editor, issue 17): open the page, pick
 * the cluster, start from a template or open a file, select a stage and set fields of its side
 * form, bind a port, read the checks written on a stage, compile, deploy through the Serve
 * review and follow the apply, send a try-it request and read the answer, its origin and the
 * per-stage timings — named as a user would do them. Shared by the browser suite and the
 * cluster suite (which deploys the RAG and gateway pipelines through this page on the testbed).
 * Stages are named by their id (= Serve deployment name).
 */
import type { Locator, Page } from 'playwright-core';
import { FIXTURES } from '../../shared/pipeline';

export type PipelineTemplateId = 'rag' | 'gateway' | 'tp-llm';
export type TryKind = 'chat' | 'embed' | 'rerank' | 'rag' | 'router';

const TRY_LABEL: Record<TryKind, string> = {
  chat: 'Chat (LLM)',
  embed: 'Embed',
  rerank: 'Rerank',
  rag: 'RAG query',
  router: 'Router',
};

export class PipelinePage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('pipeline-page');
  }

  get emptyState(): Locator {
    return this.page.getByTestId('pipeline-empty');
  }

  get canvas(): Locator {
    return this.page.getByTestId('pipeline-canvas');
  }

  /** The side form of the selected stage. */
  get form(): Locator {
    return this.page.getByTestId('stage-form');
  }

  get tryPanel(): Locator {
    return this.page.getByTestId('pipeline-try');
  }

  /** The stage box `id` on the canvas. */
  stage(id: string): Locator {
    return this.page.locator(`[data-testid="pipeline-stage"][data-stage="${id}"]`);
  }

  /** Opens the page from the sidebar and waits until it shows. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-pipeline').click();
    await this.root.waitFor();
  }

  /** Picks the cluster the checks and Deploy are for. */
  async pickCluster(name: string): Promise<void> {
    await this.root.getByTestId('cluster-picker').selectOption({ label: name });
  }

  /** Starts from a template (from the empty state, or New, discarding unsaved edits). */
  async loadTemplate(id: PipelineTemplateId): Promise<void> {
    if (!(await this.emptyState.isVisible())) {
      await this.root.getByRole('button', { name: 'New', exact: true }).click();
      const discard = this.page.getByTestId('pipeline-replace-confirm');
      const dialog = this.page.getByTestId('pipeline-new-dialog');
      await discard.or(dialog).first().waitFor();
      if (await discard.isVisible())
        await discard.getByRole('button', { name: 'Discard changes' }).click();
      await dialog.getByTestId(`template-${id}`).click();
    } else await this.emptyState.getByTestId(`template-${id}`).click();
    // Templates share stage ids (`api`, `llm`): wait for exactly this template's stages, so a
    // graph still on screen from before does not pass for the new one.
    const want = FIXTURES[id]!()
      .stages.map((s) => s.id)
      .sort()
      .join(',');
    await this.page.waitForFunction(
      (ids) =>
        [...document.querySelectorAll('[data-testid="pipeline-stage"]')]
          .map((e) => e.getAttribute('data-stage') ?? '')
          .sort()
          .join(',') === ids,
      want,
    );
  }

  /** Opens a pipeline file or a Serve config by path (on the core's machine); throws with the core's reason. */
  async openFile(path: string): Promise<void> {
    const button = (await this.emptyState.isVisible())
      ? this.emptyState.getByRole('button', { name: 'Open…' })
      : this.root.getByRole('toolbar', { name: 'Pipeline' }).getByRole('button', { name: 'Open…' });
    await button.click();
    const discard = this.page.getByTestId('pipeline-replace-confirm');
    const dialog = this.page.getByTestId('pipeline-open-dialog');
    await discard.or(dialog).first().waitFor();
    if (await discard.isVisible())
      await discard.getByRole('button', { name: 'Discard changes' }).click();
    await dialog.getByLabel('Path').fill(path);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    await this.waitForDialogGone(dialog, 'pipeline-path-error');
  }

  /** Saves to `path` (Save asks for a path the first time); throws with the core's reason. */
  async saveAs(path: string): Promise<void> {
    await this.root.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = this.page.getByTestId('pipeline-save-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Path').fill(path);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await this.waitForDialogGone(dialog, 'pipeline-path-error');
  }

  private async waitForDialogGone(dialog: Locator, errorId: string): Promise<void> {
    const error = dialog.getByTestId(errorId);
    await Promise.race([
      dialog.waitFor({ state: 'detached', timeout: 30_000 }),
      error.waitFor({ timeout: 30_000 }).then(async () => {
        throw new Error(await error.innerText());
      }),
    ]);
  }

  /** Which file is open and whether it changed ("rag — /x.yaml (changed)"). */
  async fileLabel(): Promise<string> {
    return this.page.getByTestId('pipeline-file').innerText();
  }

  async stageIds(): Promise<string[]> {
    return this.page
      .getByTestId('pipeline-stage')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-stage') ?? ''));
  }

  /** Adds a stage of `label` ('LLM', 'Embedding', 'Reranker', 'Router', 'Ingress', 'RAG', 'Custom'); returns its id. */
  async addStage(label: string): Promise<string> {
    await this.page.getByRole('button', { name: `Add ${label} stage` }).click();
    await this.form.waitFor();
    return (await this.form.getAttribute('data-stage')) ?? '';
  }

  /** Selects stage `id` (click on its title) and waits until its form shows. */
  async selectStage(id: string): Promise<void> {
    await this.stage(id).getByTestId('stage-id').click();
    await this.page.locator(`[data-testid="stage-form"][data-stage="${id}"]`).waitFor();
  }

  /**
   * Sets a field of the selected stage's form by its label ('Model source', 'max_model_len',
   * 'tensor_parallel_size', 'GPUs per replica', 'Replicas', 'Import path', ...). 'Stage id'
   * renames (Enter).
   */
  async setField(label: string, value: string): Promise<void> {
    const input = this.form.getByLabel(label, { exact: true });
    await input.fill(value);
    if (label === 'Stage id') await input.press('Enter');
  }

  /** The inline message under a field of the form, or null. */
  async fieldError(label: string): Promise<string | null> {
    const field = this.form.locator('.pl-field', {
      has: this.page.getByLabel(label, { exact: true }),
    });
    const err = field.getByTestId('field-error');
    return (await err.count()) ? err.innerText() : null;
  }

  /** Binds port `port` of stage `from` (rag input, router value, ingress route) to stage `to`. */
  async bindPort(from: string, port: string, to: string): Promise<void> {
    await this.selectStage(from);
    await this.form.getByLabel(`${port} calls`, { exact: true }).selectOption(to);
    await this.stage(from)
      .locator(`[data-testid="stage-port"][data-port="${port}"]`)
      .filter({ hasText: `→ ${to}` })
      .waitFor();
  }

  /** Draws an edge on the canvas: drags port `port` of stage `from` onto stage `to`'s input handle. */
  async connectByDrag(from: string, port: string, to: string): Promise<void> {
    const source = this.stage(from).locator(`.react-flow__handle[data-handleid="port:${port}"]`);
    const target = this.stage(to).locator('.react-flow__handle[data-handleid="in"]');
    await source.dragTo(target);
    await this.stage(from)
      .locator(`[data-testid="stage-port"][data-port="${port}"]`)
      .filter({ hasText: `→ ${to}` })
      .waitFor();
  }

  /** Waits until the checks caught up with the last change. */
  async waitForChecks(): Promise<void> {
    await this.page
      .getByTestId('pipeline-checks-summary')
      .filter({ hasNotText: 'Checking…' })
      .waitFor();
  }

  /** The check messages written on stage `id` (after the checks caught up). */
  async stageChecks(id: string): Promise<{ severity: string; code: string; message: string }[]> {
    await this.waitForChecks();
    return this.stage(id)
      .getByTestId('stage-check')
      .evaluateAll((els) =>
        els.map((e) => ({
          severity: e.getAttribute('data-severity') ?? '',
          code: e.getAttribute('data-code') ?? '',
          message: e.textContent ?? '',
        })),
      );
  }

  /** Compiles and returns the Serve config YAML shown (the dialog stays open; `closeCompiled` closes it). */
  async compile(): Promise<string> {
    await this.root.getByRole('button', { name: 'Compile', exact: true }).click();
    const dialog = this.page.getByTestId('pipeline-compile-dialog');
    const error = this.page.getByTestId('pipeline-compile-error');
    await dialog.or(error).first().waitFor({ timeout: 30_000 });
    if (!(await dialog.isVisible())) throw new Error(`Not compiled: ${await error.innerText()}`);
    return dialog
      .getByTestId('pipeline-compiled-yaml')
      .locator('.cm-content')
      .evaluate((el) =>
        [...el.querySelectorAll('.cm-line')].map((l) => l.textContent ?? '').join('\n'),
      );
  }

  async closeCompiled(): Promise<void> {
    await this.page
      .getByTestId('pipeline-compile-dialog')
      .getByRole('button', { name: 'Close', exact: true })
      .click();
  }

  /**
   * Deploy: compile, open the Serve review (returned, to read its diff), Apply, and wait until the
   * page follows the apply; returns the Serve history version it recorded.
   */
  async deploy(timeoutMs = 120_000): Promise<number> {
    await this.page.getByTestId('pipeline-deploy').click();
    const review = this.page.getByTestId('serve-review');
    const error = this.page.getByTestId('pipeline-deploy-error');
    await review.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await review.isVisible())) throw new Error(`Not deployed: ${await error.innerText()}`);
    await review.getByTestId('serve-apply').click();
    const applyError = review.getByTestId('serve-apply-error');
    const follow = this.page.getByTestId('serve-follow');
    await follow.or(applyError).first().waitFor({ timeout: timeoutMs });
    if (!(await follow.isVisible()))
      throw new Error(`The apply did not start: ${await applyError.innerText()}`);
    return Number(await follow.getAttribute('data-version'));
  }

  /** Waits until the followed apply ended; throws with Ray's messages when it failed. */
  async waitForDeployed(timeoutMs = 900_000): Promise<void> {
    const done = this.page.locator('[data-testid="serve-follow"]:not([data-state="running"])');
    await done.waitFor({ timeout: timeoutMs });
    const state = await done.getAttribute('data-state');
    if (state !== 'succeeded')
      throw new Error(
        `The deploy ended ${state}: ${await done
          .getByTestId('serve-follow-error')
          .innerText()
          .catch(() => '')}`,
      );
  }

  /**
   * Sends one try-it request and waits for the answer (or throws with the error shown).
   * `route` defaults to the ingress route that reaches a stage of the request's kind.
   */
  async sendTry(
    req: {
      kind: TryKind;
      route?: string;
      text?: string;
      candidates?: string[];
      field?: string;
      value?: string;
      maxTokens?: number;
    },
    timeoutMs = 300_000,
  ): Promise<void> {
    const p = this.tryPanel;
    await p.getByLabel('Request', { exact: true }).selectOption({ label: TRY_LABEL[req.kind] });
    if (req.route) await p.getByLabel('Route', { exact: true }).selectOption(req.route);
    if (req.field !== undefined) await p.getByLabel('Field', { exact: true }).fill(req.field);
    if (req.value !== undefined) await p.getByLabel('Value', { exact: true }).fill(req.value);
    if (req.text !== undefined) await p.locator('#try-text').fill(req.text);
    if (req.candidates) await p.locator('#try-candidates').fill(req.candidates.join('\n'));
    if (req.maxTokens !== undefined)
      await p.getByLabel('max_tokens', { exact: true }).fill(String(req.maxTokens));
    const before = await p.getByTestId('try-answer').count();
    if (before)
      await p.getByTestId('try-answer').evaluate((el) => el.setAttribute('data-old', '1'));
    await p.getByTestId('try-send').click();
    const answer = p.locator('[data-testid="try-answer"]:not([data-old])');
    const error = p.getByTestId('try-error');
    await answer.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await answer.isVisible())) throw new Error(`No answer: ${await error.innerText()}`);
  }

  /** The last answer: HTTP status, its text as shown, and the origin (the LLM stage that answered). */
  async answer(): Promise<{ status: number; text: string; origin: string | null }> {
    const a = this.tryPanel.getByTestId('try-answer');
    const origin = a.getByTestId('try-origin').locator('strong');
    return {
      status: Number(await a.getAttribute('data-status')),
      text: await a.getByTestId('try-answer-text').innerText(),
      origin: (await origin.count()) ? await origin.innerText() : null,
    };
  }

  /** The last answer's per-stage timings in ms, by stage id. */
  async timings(): Promise<Record<string, number>> {
    const rows = await this.tryPanel
      .getByTestId('try-timing')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-stage') ?? '', Number(e.getAttribute('data-ms'))]),
      );
    return Object.fromEntries(rows);
  }
}
