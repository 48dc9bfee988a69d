/**
 * Page object for the Bring-up page: choose the package source and vLLM, review the plan, start,
 * follow steps per node, read a step's log, retry a node, read the verified summary, add workers
 * to a running cluster, drain and remove one — named as a user would do them. Nodes are named by their inventory name, steps by their kind
 * ('preflight', 'install', 'start-head', 'join', 'verify').
 */
import type { Locator, Page } from 'playwright-core';

export type SourceChoice =
  { kind: 'pypi' } | { kind: 'index'; url: string } | { kind: 'wheelhouse'; dir: string };
export type StepStateName = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

const SOURCE_LABEL = {
  pypi: 'PyPI',
  index: 'Custom index URL',
  wheelhouse: 'Offline wheelhouse folder',
} as const;

export class BringupPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('bringup-page');
  }

  get options(): Locator {
    return this.page.getByTestId('bringup-options');
  }

  get plan(): Locator {
    return this.page.getByTestId('bringup-plan');
  }

  get run(): Locator {
    return this.page.getByTestId('bringup-run');
  }

  get clusterPanel(): Locator {
    return this.page.getByTestId('cluster-panel');
  }

  /** The Cluster panel's "Add workers" part (shown while Ray runs). */
  get addWorkersForm(): Locator {
    return this.clusterPanel.getByTestId('add-workers');
  }

  node(name: string): Locator {
    return this.page.locator(`[data-testid="bringup-node"][data-node="${name}"]`);
  }

  step(node: string, step: string): Locator {
    return this.page.locator(
      `[data-testid="bringup-step"][data-node="${node}"][data-step="${step}"]`,
    );
  }

  /** Opens the page from the sidebar and waits until it shows (options form or an empty state). */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-bringup').click();
    await this.root.waitFor();
  }

  async chooseSource(source: SourceChoice): Promise<void> {
    await this.options.getByRole('radio', { name: SOURCE_LABEL[source.kind] }).check();
    if (source.kind === 'index')
      await this.options.getByRole('textbox', { name: /^Index URL/ }).fill(source.url);
    if (source.kind === 'wheelhouse')
      await this.options.getByRole('textbox', { name: /^Wheelhouse folder/ }).fill(source.dir);
  }

  /** What the options form shows: the chosen source (with its field) and the vLLM box. */
  async shownOptions(): Promise<{ source: SourceChoice; withVllm: boolean }> {
    const kind = (await this.options
      .locator('input[type="radio"]:checked')
      .getAttribute('value')) as SourceChoice['kind'];
    const withVllm = await this.options.getByRole('checkbox', { name: 'Install vLLM' }).isChecked();
    if (kind === 'index')
      return {
        source: {
          kind,
          url: await this.options.getByRole('textbox', { name: /^Index URL/ }).inputValue(),
        },
        withVllm,
      };
    if (kind === 'wheelhouse')
      return {
        source: {
          kind,
          dir: await this.options.getByRole('textbox', { name: /^Wheelhouse folder/ }).inputValue(),
        },
        withVllm,
      };
    return { source: { kind: 'pypi' }, withVllm };
  }

  async setVllm(on: boolean): Promise<void> {
    await this.options.getByRole('checkbox', { name: 'Install vLLM' }).setChecked(on);
  }

  /** Asks the core for the plan and waits until it shows; throws with the form's error if it does not. */
  async reviewPlan(timeoutMs = 30_000): Promise<Locator> {
    await this.options.getByRole('button', { name: 'Review plan' }).click();
    const error = this.options.locator('.field-error, [data-testid="bringup-options-error"]');
    await this.plan.or(error).first().waitFor({ timeout: timeoutMs });
    if (!(await this.plan.isVisible()))
      throw new Error(`The plan did not show: ${(await error.allInnerTexts()).join('; ')}`);
    return this.plan;
  }

  /** Starts the reviewed plan and waits for the run view. */
  async start(timeoutMs = 30_000): Promise<Locator> {
    await this.plan.getByRole('button', { name: 'Bring up' }).click();
    await this.run.waitFor({ timeout: timeoutMs });
    return this.run;
  }

  async stepState(node: string, step: string): Promise<StepStateName | null> {
    return (await this.step(node, step).getAttribute('data-state')) as StepStateName | null;
  }

  /**
   * Waits until a step reaches `state`. Fails at once, with the step's error and hint, when the
   * step fails while another state was awaited, so a cluster test says why it did not get there.
   */
  async waitForStep(
    node: string,
    step: string,
    state: StepStateName,
    timeoutMs = 120_000,
  ): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const last = (await this.step(node, step).count()) ? await this.stepState(node, step) : null;
      if (last === state) return;
      if (last === 'failed' && state !== 'failed') {
        const why = await this.step(node, step)
          .getByTestId('step-error')
          .innerText()
          .catch(() => '');
        throw new Error(`Step ${step} on ${node} failed while waiting for "${state}": ${why}`);
      }
      if (Date.now() >= end)
        throw new Error(
          `Step ${step} on ${node} is "${last ?? 'absent'}" after ${timeoutMs} ms, not "${state}".`,
        );
      await this.page.waitForTimeout(250);
    }
  }

  async retryNode(node: string): Promise<void> {
    await this.page.getByRole('button', { name: `Retry ${node}`, exact: true }).click();
  }

  async retryFailed(): Promise<void> {
    await this.run.getByRole('button', { name: 'Retry failed' }).click();
  }

  async cancel(): Promise<void> {
    await this.run.getByRole('button', { name: 'Cancel the bring-up' }).click();
  }

  /** The step's log as shown (opens the pane if it is closed; waits until the backlog is read). */
  async logText(node: string, step: string): Promise<string> {
    const row = this.step(node, step);
    const pane = row.getByTestId('step-log');
    if (!(await pane.count())) await row.getByTestId('step-log-toggle').click();
    await row.locator('[data-testid="step-log"][aria-busy="false"]').waitFor();
    return pane.innerText();
  }

  /** The verified summary of a succeeded run, e.g. "3 nodes, 0 GPUs, Ray 2.60.0 verified". */
  async summary(timeoutMs = 10_000): Promise<string> {
    const summary = this.run.getByTestId('bringup-summary');
    await summary.waitFor({ timeout: timeoutMs });
    return (await summary.innerText()).replace(/^\s*✓\s*/, '').trim();
  }

  /**
   * Adds inventory workers that Ray does not run to the running cluster: ticks them, "Add to the
   * cluster", and waits until the bring-up of those nodes started; returns the run view. Throws
   * with the page's error if the core refused.
   */
  async addWorkers(names: string[], timeoutMs = 30_000): Promise<Locator> {
    const form = this.addWorkersForm;
    for (const name of names) await form.getByRole('checkbox', { name, exact: true }).check();
    await form.getByRole('button', { name: 'Add to the cluster', exact: true }).click();
    const started = form.getByTestId('add-workers-started');
    const error = form.getByTestId('add-workers-error');
    await started.or(error).first().waitFor({ timeout: timeoutMs });
    if (await error.isVisible())
      throw new Error(`Adding ${names.join(', ')} did not start: ${await error.innerText()}`);
    await this.run.waitFor({ timeout: timeoutMs });
    return this.run;
  }

  /**
   * Drains a live worker out of the cluster and removes it from the inventory: its row's
   * "Drain and remove…", the confirmation, then waits for the operation to end. Throws with the
   * core's message if it was refused or the operation did not succeed.
   */
  async drainAndRemove(name: string, timeoutMs = 120_000): Promise<void> {
    await this.clusterPanel
      .getByRole('button', { name: `Drain and remove ${name}`, exact: true })
      .click();
    await this.page
      .getByRole('dialog', { name: `Drain and remove ${name}?` })
      .getByRole('button', { name: 'Drain and remove', exact: true })
      .click();
    const ended = this.clusterPanel.locator(
      `[data-testid="cluster-operation"][data-node="${name}"]:not([data-state="running"])`,
    );
    const refused = this.clusterPanel.getByTestId('cluster-error');
    await ended.or(refused).first().waitFor({ timeout: timeoutMs });
    if (await refused.isVisible())
      throw new Error(`Removing ${name} was refused: ${await refused.innerText()}`);
    const state = await ended.getAttribute('data-state');
    if (state !== 'succeeded') {
      const why = await ended
        .getByTestId('cluster-operation-error')
        .innerText()
        .catch(() => '');
      throw new Error(`Removing ${name} ${state}: ${why}`);
    }
  }

  async runState(): Promise<string | null> {
    return this.run.getAttribute('data-state');
  }
}
