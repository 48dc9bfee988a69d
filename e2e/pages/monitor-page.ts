/**
 * Page object for the Monitor page: open it, pick a cluster, switch views, read the overview's
 * totals, a deployment's live numbers (queue, ongoing, RPS, latency; null for "no value"),
 * replica counts and Ray's pending reason, the alerts and the timeline, GPU -> replica rows, and
 * scale a deployment through preview (diff, fit rows, warnings) and apply — named as a user
 * would do them. Shared by the browser suite and the cluster suite (the testbed's load and
 * fault tests read the page through it).
 */
import type { Locator, Page } from 'playwright-core';

export type MonitorView = 'overview' | 'gpus' | 'deployments' | 'events' | 'cost';

export interface FitRow {
  replica: number;
  /** Raydeck's node id; null when the replica stays pending. */
  nodeId: string | null;
  pending: boolean;
  text: string;
}

export interface TimelineEntry {
  kind: string;
  subject: string;
  text: string;
}

export interface AlertEntry {
  kind: string;
  severity: string;
  subject: string;
  text: string;
}

const num = (v: string | null): number | null => (v === null || v === '' ? null : Number(v));

export class MonitorPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('monitor-page');
  }

  /** Empty states: no cluster, collectors refused (with the core's reason), nothing on Serve, no GPUs. */
  emptyState(
    id: 'monitor-no-cluster' | 'monitor-unreachable' | 'monitor-no-serve' | 'monitor-no-gpus',
  ): Locator {
    return this.page.getByTestId(id);
  }

  /** The count beside "Monitor" in the sidebar (absent when there is no alert). */
  get navAlertBadge(): Locator {
    return this.page.getByTestId('nav-monitor-alerts');
  }

  /** Opens the page from the sidebar and waits until it shows. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-monitor').click();
    await this.root.waitFor();
  }

  /** Opens the page on cluster `name` and waits until the collectors answered (the overview or the refusal). */
  async openCluster(name: string, timeoutMs = 60_000): Promise<void> {
    await this.open();
    const picker = this.page.getByTestId('cluster-picker');
    await picker.waitFor();
    await picker.selectOption({ label: name });
    await this.page
      .locator('[data-testid="monitor-tab-overview"], [data-testid="monitor-unreachable"]')
      .first()
      .waitFor({ timeout: timeoutMs });
  }

  async showView(view: MonitorView): Promise<void> {
    await this.page.getByTestId(`monitor-tab-${view}`).click();
    await this.page.getByTestId(`monitor-view-${view}`).waitFor();
  }

  /** The overview's totals as the page shows them ("2 / 8" for busy GPUs). */
  async total(
    id:
      | 'gpus-busy'
      | 'gpus-lost'
      | 'gpus-hot'
      | 'gpus-no-value'
      | 'replicas-running'
      | 'replicas-pending'
      | 'cost-hour',
  ): Promise<string | null> {
    const t = this.page.getByTestId(`total-${id}`);
    if (!(await t.count())) return null;
    return t.locator('.total-value').innerText();
  }

  /**
   * Hovers GPU `gpu` of node `nodeId` on the overview's heat map and returns the tooltip's text
   * (its facts spelled out: "Utilization no value", "LOST", "HOT"); the canvas tells where its
   * cells are (data-node-order, data-geometry).
   */
  async gpuTooltip(nodeId: string, gpu: number): Promise<string> {
    await this.showView('overview');
    const canvas = this.page.getByTestId('heatmap-canvas');
    const order = ((await canvas.getAttribute('data-node-order')) ?? '').split(' ');
    const i = order.indexOf(nodeId);
    if (i < 0) throw new Error(`The heat map has no node ${nodeId} (it has ${order.join(', ')})`);
    const g = JSON.parse((await canvas.getAttribute('data-geometry')) ?? '{}') as {
      cell: number;
      gap: number;
      labelW: number;
      rowH: number;
      rowCount: number;
      blockW: number;
      blockGap: number;
    };
    const col = Math.floor(i / g.rowCount);
    const row = i % g.rowCount;
    const x = col * (g.blockW + g.blockGap) + g.labelW + gpu * (g.cell + g.gap) + g.cell / 2;
    const y = row * g.rowH + g.rowH / 2;
    await canvas.hover({ position: { x, y } });
    const tip = this.page.getByTestId('heatmap-tooltip');
    await tip.waitFor();
    return tip.innerText();
  }

  /** Opens deployment `app`/`name` on the deployments view. */
  async openDeployment(app: string, name: string): Promise<Locator> {
    await this.showView('deployments');
    await this.page.locator(`[data-testid="deployment-item"][data-key="${app}/${name}"]`).click();
    const d = this.deployment(app, name);
    await d.waitFor();
    return d;
  }

  deployment(app: string, name: string): Locator {
    return this.page.locator(
      `[data-testid="monitor-deployment"][data-app="${app}"][data-name="${name}"]`,
    );
  }

  /** A live number of the open deployment: null when the core has no value (never 0 for missing). */
  async metric(
    app: string,
    name: string,
    which:
      | 'queue'
      | 'ongoing'
      | 'rps'
      | 'p50'
      | 'p95'
      | 'p99'
      | 'kv-cache'
      | 'tokens'
      | 'vllm-running'
      | 'vllm-waiting',
  ): Promise<number | null> {
    const tile = this.deployment(app, name).getByTestId(`metric-${which}`);
    if (!(await tile.count())) return null;
    return num(await tile.getAttribute('data-value'));
  }

  /** Desired / running / starting / pending of the open deployment. */
  async replicaCounts(
    app: string,
    name: string,
  ): Promise<{ desired: number; running: number; starting: number; pending: number }> {
    const c = this.deployment(app, name).getByTestId('dep-counts');
    const n = async (k: string) => Number(await c.getAttribute(`data-${k}`));
    return {
      desired: await n('desired'),
      running: await n('running'),
      starting: await n('starting'),
      pending: await n('pending'),
    };
  }

  /** Ray's reason why the deployment's replicas are pending (waits until it shows). */
  async pendingReason(app: string, name: string, timeoutMs = 120_000): Promise<string> {
    const r = this.deployment(app, name).getByTestId('dep-pending-reason');
    await r.waitFor({ timeout: timeoutMs });
    return r.innerText();
  }

  /** Replicas of the open deployment: id, Ray's state, and node id (null while not placed). */
  async replicas(
    app: string,
    name: string,
  ): Promise<{ id: string; state: string; nodeId: string | null }[]> {
    return this.deployment(app, name)
      .getByTestId('replica-row')
      .evaluateAll((rows) =>
        rows.map((r) => ({
          id: r.getAttribute('data-replica') ?? '',
          state: r.getAttribute('data-state') ?? '',
          nodeId: r.getAttribute('data-node') || null,
        })),
      );
  }

  /** Waits until `read()` satisfies `ok` (numbers move live; polls the page). */
  async waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end)
        throw new Error(
          `Monitor page: condition not met in ${timeoutMs} ms (last: ${JSON.stringify(v)})`,
        );
      await this.page.waitForTimeout(200);
    }
  }

  /** The active alerts (switches to the events view). */
  async alerts(): Promise<AlertEntry[]> {
    await this.showView('events');
    return this.page.getByTestId('alert').evaluateAll((els) =>
      els.map((e) => ({
        kind: e.getAttribute('data-kind') ?? '',
        severity: e.getAttribute('data-severity') ?? '',
        subject: e.getAttribute('data-subject') ?? '',
        text: (e as HTMLElement).innerText,
      })),
    );
  }

  /** Timeline entries, newest first (switches to the events view). */
  async timeline(): Promise<TimelineEntry[]> {
    await this.showView('events');
    return this.page.getByTestId('timeline-entry').evaluateAll((els) =>
      els.map((e) => ({
        kind: e.getAttribute('data-kind') ?? '',
        subject: e.getAttribute('data-subject') ?? '',
        text: (e as HTMLElement).innerText,
      })),
    );
  }

  /** GPU -> replica rows: GPU key (`node/index`, '' for a node's replicas on no GPU), the replica, and its deployment's queue. */
  async gpuRows(): Promise<
    { gpu: string; replica: string | null; queue: number | null; text: string }[]
  > {
    await this.showView('gpus');
    return this.page.getByTestId('gpu-row').evaluateAll((rows) =>
      rows.map((r) => {
        const q = r.querySelector('[data-testid="queue-length"]')?.getAttribute('data-value');
        return {
          gpu: r.getAttribute('data-gpu') ?? '',
          replica: r.getAttribute('data-replica'),
          queue: q === undefined || q === null || q === '' ? null : Number(q),
          text: (r as HTMLElement).innerText,
        };
      }),
    );
  }

  get scalePanel(): Locator {
    return this.page.getByTestId('scale-panel');
  }

  /** Sets a fixed replica count and previews it; returns the fit rows (throws with the page's error if refused). */
  async previewReplicas(count: number, timeoutMs = 60_000): Promise<FitRow[]> {
    const panel = this.scalePanel;
    await panel.getByRole('radio', { name: /Fixed replicas/ }).check();
    await panel.getByRole('textbox', { name: 'Replicas' }).fill(String(count));
    return this.preview(timeoutMs);
  }

  /** Sets autoscaling bounds (and target ongoing requests) and previews them. */
  async previewAutoscaling(
    min: number,
    max: number,
    target?: number,
    timeoutMs = 60_000,
  ): Promise<FitRow[]> {
    const panel = this.scalePanel;
    await panel.getByRole('radio', { name: /Autoscaling/ }).check();
    await panel.getByRole('textbox', { name: 'Min replicas' }).fill(String(min));
    await panel.getByRole('textbox', { name: 'Max replicas' }).fill(String(max));
    await panel
      .getByRole('textbox', { name: 'Target ongoing requests' })
      .fill(target === undefined ? '' : String(target));
    return this.preview(timeoutMs);
  }

  private async preview(timeoutMs: number): Promise<FitRow[]> {
    const panel = this.scalePanel;
    await panel.getByTestId('scale-preview-button').click();
    const error = panel.getByTestId('scale-preview-error');
    await panel.getByTestId('scale-preview').or(error).first().waitFor({ timeout: timeoutMs });
    if (await error.isVisible())
      throw new Error(`The preview was refused: ${await error.innerText()}`);
    return this.fitRows();
  }

  /** The previewed fit: where each new replica goes, or that it stays pending and why. */
  async fitRows(): Promise<FitRow[]> {
    return this.scalePanel.getByTestId('fit-row').evaluateAll((rows) =>
      rows.map((r) => ({
        replica: Number(r.getAttribute('data-replica')),
        nodeId: r.getAttribute('data-node') || null,
        pending: r.getAttribute('data-pending') === 'true',
        text: (r as HTMLElement).innerText,
      })),
    );
  }

  /** The preview's warnings (yellow). */
  async scaleWarnings(): Promise<string[]> {
    return this.scalePanel.getByTestId('scale-warning').allInnerTexts();
  }

  /** The previewed config changes ("app/deployment path: before → after"). */
  async scaleDiff(): Promise<string[]> {
    return this.scalePanel.getByTestId('scale-diff').locator('li').allInnerTexts();
  }

  /** Applies the previewed change; returns the Serve history version it was recorded as. */
  async apply(timeoutMs = 60_000): Promise<number> {
    const panel = this.scalePanel;
    await panel.getByTestId('scale-apply').click();
    const follow = panel.getByTestId('scale-follow');
    const error = panel.getByTestId('scale-apply-error');
    await follow.or(error).first().waitFor({ timeout: timeoutMs });
    if (await error.isVisible())
      throw new Error(`The scale did not start: ${await error.innerText()}`);
    return Number(await follow.getAttribute('data-version'));
  }

  /** Ends Raydeck's wait for the followed scale (Ray goes on with it); waits until the card says so. */
  async stopFollowingScale(timeoutMs = 30_000): Promise<void> {
    await this.scalePanel.getByTestId('scale-follow-stop').click();
    await this.scalePanel
      .locator('[data-testid="scale-follow"]:not([data-state="running"])')
      .waitFor({ timeout: timeoutMs });
  }

  /** Waits until the followed scale ended; returns its state ('succeeded', 'failed', ...) and error text. */
  async waitForScaled(timeoutMs = 600_000): Promise<{ state: string; error: string | null }> {
    const done = this.scalePanel.locator(
      '[data-testid="scale-follow"]:not([data-state="running"])',
    );
    await done.waitFor({ timeout: timeoutMs });
    const err = done.getByTestId('scale-follow-error');
    return {
      state: (await done.getAttribute('data-state')) ?? '',
      error: (await err.count()) ? await err.innerText() : null,
    };
  }
}
