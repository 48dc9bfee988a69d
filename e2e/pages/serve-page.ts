/**
 * Page object for the Serve page: pick a cluster, read what Serve runs, write the config in
 * the YAML editor (or the form), review the diff, apply and follow it, roll back from the
 * history, open and save the config's file (Serve YAML or a KubeRay RayService) — named as a
 * user would do them. Shared by the browser suite and the cluster suite
 * (which deploys through this page on the testbed). Applications and deployments are named
 * by their Serve names, history versions by number.
 */
import type { Locator, Page } from 'playwright-core';

export class ServePage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('serve-page');
  }

  /** The YAML editor (CodeMirror); `yamlInput` is its editable content. */
  get yamlEditor(): Locator {
    return this.page.getByTestId('serve-yaml');
  }

  get yamlInput(): Locator {
    return this.yamlEditor.locator('.cm-content');
  }

  get reviewDialog(): Locator {
    return this.page.getByTestId('serve-review');
  }

  get follow(): Locator {
    return this.page.getByTestId('serve-follow');
  }

  /** Findings of the validator under the editor (data-line, data-severity, data-code). */
  get diagnostics(): Locator {
    return this.page.getByTestId('serve-diagnostic');
  }

  /** Empty states: 'serve-no-cluster', 'serve-unreachable', 'serve-nothing-deployed'. */
  emptyState(id: 'serve-no-cluster' | 'serve-unreachable' | 'serve-nothing-deployed'): Locator {
    return this.page.getByTestId(id);
  }

  app(name: string): Locator {
    return this.page.locator(`[data-testid="serve-app"][data-name="${name}"]`);
  }

  deployment(app: string, name: string): Locator {
    return this.app(app).locator(`[data-testid="serve-deployment"][data-name="${name}"]`);
  }

  /** "desired/running/starting/pending" of a deployment, as numbers. */
  async replicaCounts(
    app: string,
    deployment: string,
  ): Promise<{ desired: number; running: number; starting: number; pending: number }> {
    const c = this.deployment(app, deployment).getByTestId('replica-counts');
    const n = async (k: string) => Number(await c.getAttribute(`data-${k}`));
    return {
      desired: await n('desired'),
      running: await n('running'),
      starting: await n('starting'),
      pending: await n('pending'),
    };
  }

  /** Ray's reason why a deployment's replicas are pending (waits until it shows). */
  async pendingReason(app: string, deployment: string, timeoutMs = 120_000): Promise<string> {
    const reason = this.deployment(app, deployment).getByTestId('pending-reason');
    await reason.waitFor({ timeout: timeoutMs });
    return reason.innerText();
  }

  historyRow(version: number): Locator {
    return this.page.locator(`[data-testid="serve-history-row"][data-version="${version}"]`);
  }

  /** Opens the page from the sidebar and waits until it shows. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-serve').click();
    await this.root.waitFor();
  }

  /** Opens the page on cluster `name` and waits until its live view settled (a tree or an empty state). */
  async openCluster(name: string): Promise<void> {
    await this.open();
    const picker = this.page.getByTestId('cluster-picker');
    await picker.waitFor();
    await picker.selectOption({ label: name });
    await this.page
      .locator(
        '[data-testid="serve-live"], [data-testid="serve-unreachable"], [data-testid="serve-nothing-deployed"]',
      )
      .first()
      .waitFor({ timeout: 60_000 });
  }

  /** Shows the YAML editor (not the form). */
  async showYaml(): Promise<void> {
    await this.page.getByTestId('serve-tab-yaml').click();
    await this.yamlInput.waitFor();
  }

  async showForm(): Promise<void> {
    await this.page.getByTestId('serve-tab-form').click();
  }

  /** Replaces the whole config text, as a paste would (no auto-indent). */
  async setYaml(text: string): Promise<void> {
    await this.showYaml();
    await this.yamlInput.click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
  }

  /** The editor's text as drawn (CodeMirror draws the lines in view and a margin: enough for configs up to a few hundred lines). */
  async yamlText(): Promise<string> {
    return this.yamlInput.evaluate((el) =>
      [...el.querySelectorAll('.cm-line')].map((l) => l.textContent ?? '').join('\n'),
    );
  }

  /** Waits for a finding whose text contains `text`; returns its line and text. */
  async waitForDiagnostic(
    text: string,
    timeoutMs = 10_000,
  ): Promise<{ line: number; text: string }> {
    const d = this.diagnostics.filter({ hasText: text }).first();
    await d.waitFor({ timeout: timeoutMs });
    return { line: Number(await d.getAttribute('data-line')), text: await d.innerText() };
  }

  /** "Review changes": waits for the diff dialog; throws with the page's error when the core refused. */
  async review(timeoutMs = 60_000): Promise<Locator> {
    await this.page.getByTestId('serve-review-button').click();
    const error = this.page.getByTestId('serve-review-error');
    await this.reviewDialog.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await this.reviewDialog.isVisible()))
      throw new Error(`The review did not open: ${await error.innerText()}`);
    return this.reviewDialog;
  }

  /** Names of the applications the reviewed apply would delete ([] when none). */
  async reviewedDeletes(): Promise<string[]> {
    const apps = this.reviewDialog.locator('[data-testid="diff-app"][data-change="removed"]');
    return apps.evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  }

  /**
   * Applies the reviewed config (optionally with an auto-rollback deadline) and waits until the
   * page follows the new apply; returns its version.
   */
  async apply(opts: { autoRollbackS?: number } = {}, timeoutMs = 60_000): Promise<number> {
    const before = (await this.follow.count())
      ? await this.follow.getAttribute('data-operation')
      : null;
    if (opts.autoRollbackS) {
      await this.reviewDialog.getByRole('checkbox', { name: /Roll back by itself/ }).check();
      await this.reviewDialog
        .getByRole('textbox', { name: 'Auto-rollback seconds' })
        .fill(String(opts.autoRollbackS));
    }
    await this.reviewDialog.getByTestId('serve-apply').click();
    const error = this.reviewDialog.getByTestId('serve-apply-error');
    const started = this.page.locator(
      `[data-testid="serve-follow"]${before ? `:not([data-operation="${before}"])` : ''}`,
    );
    await started.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await started.isVisible()))
      throw new Error(`The apply did not start: ${await error.innerText()}`);
    return Number(await started.getAttribute('data-version'));
  }

  /** Waits until the followed apply ended well; throws with Ray's messages when it failed. */
  async waitForApplied(timeoutMs = 600_000): Promise<void> {
    const done = this.page.locator('[data-testid="serve-follow"]:not([data-state="running"])');
    await done.waitFor({ timeout: timeoutMs });
    const state = await done.getAttribute('data-state');
    if (state !== 'succeeded')
      throw new Error(
        `The apply ended ${state}: ${await this.follow
          .getByTestId('serve-follow-error')
          .innerText()
          .catch(() => '')}`,
      );
  }

  /** "Stop following" the running apply (Ray goes on deploying); waits until the page says so. */
  async stopFollowing(timeoutMs = 30_000): Promise<void> {
    await this.follow.getByTestId('serve-follow-stop').click();
    await this.page
      .locator('[data-testid="serve-follow"][data-state="cancelled"]')
      .waitFor({ timeout: timeoutMs });
  }

  /** Waits until application `app` shows RUNNING in the live view (after the followed apply, if any, succeeded). */
  async waitForRunning(app: string, timeoutMs = 600_000): Promise<void> {
    if (await this.follow.count()) await this.waitForApplied(timeoutMs);
    await this.page
      .locator(`[data-testid="serve-app"][data-name="${app}"][data-status="RUNNING"]`)
      .waitFor({ timeout: timeoutMs });
  }

  /** Rolls back to history version `version` (confirming), and waits until the page follows it; returns the new version. */
  async rollbackTo(version: number, timeoutMs = 60_000): Promise<number> {
    const before = (await this.follow.count())
      ? await this.follow.getAttribute('data-operation')
      : null;
    await this.historyRow(version)
      .getByRole('button', { name: 'Roll back to this version' })
      .click();
    const confirm = this.page.getByRole('dialog', { name: `Roll back to v${version}?` });
    await confirm.getByRole('button', { name: `Roll back to v${version}` }).click();
    const error = this.page.getByTestId('serve-rollback-error');
    const started = this.page.locator(
      `[data-testid="serve-follow"]${before ? `:not([data-operation="${before}"])` : ''}`,
    );
    await started.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await started.isVisible()))
      throw new Error(`The rollback did not start: ${await error.innerText()}`);
    return Number(await started.getAttribute('data-version'));
  }

  /** The editor head: the file's name, with " •" while the editor holds unsaved changes. */
  async fileName(): Promise<string> {
    return this.page.getByTestId('serve-file-name').innerText();
  }

  /** "Open…" (or "Import RayService…") a path on the core's machine; picks `rayService` when the manifest holds several. */
  async openFile(
    file: string,
    opts: { rayService?: string; import?: boolean } = {},
  ): Promise<void> {
    await this.page
      .getByRole('button', { name: opts.import ? 'Import RayService…' : 'Open…' })
      .click();
    const dialog = this.page.getByTestId('serve-open-dialog');
    await dialog.getByLabel('Path').fill(file);
    await dialog
      .getByRole('button', { name: opts.import ? 'Import' : 'Open', exact: true })
      .click();
    if (opts.rayService)
      await dialog
        .getByTestId('serve-rayservice-pick')
        .getByRole('button', { name: opts.rayService, exact: true })
        .click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** Ctrl/Cmd+S; waits until the unsaved marker went (throws with the page's refusal). */
  async save(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+s');
    const error = this.page.getByTestId('serve-save-error');
    await this.page
      .waitForFunction(
        () =>
          !document.querySelector('[data-testid="serve-file-name"]')?.textContent?.endsWith('•'),
        undefined,
        { timeout: 10_000 },
      )
      .catch(async () => {
        throw new Error(`Not saved: ${await error.innerText().catch(() => 'no answer')}`);
      });
  }

  /** Sets a deployment's field in the form editor (by its label). */
  async setFormField(field: string, value: string): Promise<void> {
    await this.showForm();
    await this.page
      .getByTestId('form-deployment')
      .first()
      .getByRole('textbox', { name: field })
      .fill(value);
  }

  /** "Export RayService…" to a path; waits until the dialog closed. */
  async exportRayService(name: string, file: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Export RayService…' }).click();
    const dialog = this.page.getByTestId('serve-export-dialog');
    await dialog.getByLabel('RayService name').fill(name);
    await dialog.getByLabel('Path').fill(file);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** The models panel of the open cluster. */
  get models(): Locator {
    return this.page.getByTestId('models-panel');
  }

  /** Adds a model whose source is a folder on this computer; waits until it is listed. */
  async addLocalModel(name: string, dir: string): Promise<void> {
    await this.models.getByRole('button', { name: 'Add model' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'Add model' });
    await dialog.getByLabel('Model name').fill(name);
    await dialog.getByLabel(/Folder on this computer/).check();
    await dialog.getByLabel('Model folder').fill(dir);
    await dialog.getByRole('button', { name: 'Add model' }).click();
    await this.models.getByTestId(`model-${name}`).waitFor();
  }

  /**
   * "Put on nodes" for model `name` on exactly `nodes` (by node name); waits for the placement
   * to end and returns its state, its last detail line and the end of its log (what was sent,
   * what was already there).
   */
  async putModelOnNodes(
    name: string,
    nodes: string[],
    timeoutMs = 300_000,
  ): Promise<{ state: string | null; detail: string; log: string }> {
    await this.models
      .getByTestId(`model-${name}`)
      .getByRole('button', { name: 'Put on nodes' })
      .click();
    const dialog = this.page.getByRole('dialog', {
      name: new RegExp(`^(Push|Fetch) ${name} to nodes$`),
    });
    const boxes = dialog.getByRole('checkbox');
    await boxes.first().waitFor();
    for (const box of await boxes.all()) {
      const label = (await box.evaluate((el) => el.parentElement?.textContent ?? '')).trim();
      if (nodes.some((n) => label.startsWith(n))) await box.check();
      else await box.uncheck();
    }
    await dialog.getByRole('button', { name: /to \d+ node\(s\)$/ }).click();
    const done = this.models.locator('[data-testid="model-place"]:not([data-state="running"])');
    await done.waitFor({ timeout: timeoutMs });
    return {
      state: await done.getAttribute('data-state'),
      detail: await done.getByTestId('model-place-detail').innerText(),
      log: await done.getByLabel('Placement log').innerText(),
    };
  }

  /** The result a history version shows ('running', 'failed', 'rolled-back', ...). */
  async historyResult(version: number): Promise<string | null> {
    return this.historyRow(version).getAttribute('data-result');
  }
}
