// @vitest-environment jsdom
/**
 * Whole-app: safe apply from the Serve page against a real core and a stand-in Ray dashboard —
 * the review names the application the PUT would delete; Apply starts once and is followed to
 * RUNNING (or to Ray's failure message); Ctrl+Enter reviews and applies from the review; a config with
 * errors is refused before review; rollback asks first, then applies the old text byte for byte.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../shared';
import { useServeHarness } from './serve-harness';

const h = useServeHarness();

const ECHO = `# v1: echo only
applications:
- name: echo
  route_prefix: /echo
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 1
`;

async function review() {
  fireEvent.click(screen.getByTestId('serve-review-button'));
  return within(await screen.findByRole('dialog', { name: /^Review changes to lab/ }));
}

async function followedTo(state: string) {
  await waitFor(() => expect(screen.getByTestId('serve-follow').dataset.state).toBe(state), {
    timeout: 8000,
  });
  return screen.getByTestId('serve-follow');
}

describe('Serve page: review and apply', () => {
  it('the review shows the running app the PUT would delete, loudly, and the added one', async () => {
    await h.start();
    h.renderApp();
    await screen.findByTestId('serve-app');
    await h.setYaml(ECHO);
    const dialog = await review();
    expect(dialog.getByTestId('diff-deletes').textContent).toContain(
      'This apply DELETES 1 running application: llm.',
    );
    const apps = dialog.getAllByTestId('diff-app');
    expect(apps.map((a) => [a.dataset.name, a.dataset.change])).toEqual([
      ['echo', 'added'],
      ['llm', 'removed'],
    ]);
    expect(dialog.getByTestId('serve-apply').textContent).toBe('Apply and delete 1');
    // Keep editing: nothing reached Ray.
    fireEvent.click(dialog.getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(h.fake.writes).toBe(0);
  });

  it('Apply starts once (double click) and follows the apply to RUNNING; the history records it', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await screen.findByTestId('serve-nothing-deployed');
    await h.setYaml(ECHO);
    const dialog = await review();
    expect(dialog.queryByTestId('diff-deletes')).toBeNull();
    const apply = dialog.getByTestId('serve-apply');
    fireEvent.click(apply);
    fireEvent.click(apply);
    const follow = await followedTo('succeeded');
    expect(within(follow).getByTestId('serve-follow-state').textContent).toBe('RUNNING');
    expect(within(follow).getByTestId('serve-follow-log').textContent).toContain(
      'v1: every application RUNNING',
    );
    expect(h.fake.puts).toEqual([parseYaml(ECHO).value]);
    await waitFor(() => expect(screen.getByTestId('serve-app').dataset.status).toBe('RUNNING'));
    const row = await screen.findByTestId('serve-history-row');
    await waitFor(() => expect(row.dataset.result).toBe('running'));
    expect(row.dataset.version).toBe('1');
    expect(screen.getByTestId('serve-draft-source').textContent).toBe('From v1 of the history');
  });

  it("a failed apply shows Ray's own message", async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await screen.findByTestId('serve-nothing-deployed');
    await h.setYaml(ECHO.replace('demo_app:build_app', 'broken_app:build'));
    fireEvent.click((await review()).getByTestId('serve-apply'));
    const follow = await followedTo('failed');
    expect(within(follow).getByTestId('serve-follow-error').textContent).toContain(
      "ModuleNotFoundError: No module named 'broken'",
    );
    await waitFor(() =>
      expect(screen.getByTestId('serve-history-row').dataset.result).toBe('failed'),
    );
  });

  it('Ctrl+Enter reviews, and applies from the review; a config with errors is refused with the line named', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await screen.findByTestId('serve-nothing-deployed');
    await h.setYaml(
      ECHO.replace(
        '    num_replicas: 1\n',
        '    num_replicas: 1\n    autoscaling_config: {max_replicas: 3}\n',
      ),
    );
    fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    const refused = await screen.findByTestId('serve-review-error');
    expect(refused.textContent).toMatch(
      /^Could not review: The Serve config is not valid \(1 error\): line 8: applications\[0\]\.deployments\[0\]\.num_replicas/,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    await h.setYaml(ECHO);
    fireEvent.keyDown(window, { key: 'Enter', metaKey: true });
    const dialog = await screen.findByRole('dialog', { name: /^Review changes/ });
    fireEvent.keyDown(dialog, { key: 'Enter', ctrlKey: true });
    await followedTo('succeeded');
    expect(h.fake.puts).toHaveLength(1);
  });
});

describe('Serve page: Ray changed since the review', () => {
  it('an apply that would now delete an app the review did not show is refused in the dialog; nothing is sent', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await screen.findByTestId('serve-nothing-deployed');
    await h.setYaml(ECHO);
    const dialog = await review();
    expect(dialog.queryByTestId('diff-deletes')).toBeNull();
    // Meanwhile someone deploys another app (the CLI, another machine).
    const other = await h.fake.connector()(h.clusterId);
    await other.api.putApplications({
      applications: [{ name: 'other', route_prefix: '/o', import_path: 'demo_app:build_app' }],
    });
    fireEvent.click(dialog.getByTestId('serve-apply'));
    const refused = await dialog.findByTestId('serve-apply-error');
    expect(refused.textContent).toMatch(/^Not applied: .*other/);
    expect(h.fake.puts).toHaveLength(1);
    expect(screen.queryByTestId('serve-follow')).toBeNull();
  });
});

describe('Serve page: auto-rollback', () => {
  it('an apply with a deadline that fails is rolled back to the version that ran, and the page says so', async () => {
    await h.start({ start: 'empty' });
    const v1 = await h.core.serve.apply(h.clusterId, ECHO);
    await h.core.operations.wait(v1.operationId);
    h.renderApp();
    await screen.findByTestId('serve-app');
    await h.setYaml(ECHO.replace('demo_app:build_app', 'broken_app:build'));
    const dialog = await review();
    fireEvent.click(dialog.getByRole('checkbox', { name: /Roll back by itself/ }));
    fireEvent.change(dialog.getByRole('textbox', { name: 'Auto-rollback seconds' }), {
      target: { value: '0' },
    });
    expect((dialog.getByTestId('serve-apply') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(dialog.getByRole('textbox', { name: 'Auto-rollback seconds' }), {
      target: { value: '30' },
    });
    fireEvent.click(dialog.getByTestId('serve-apply'));
    const follow = await followedTo('failed');
    expect(within(follow).getByTestId('serve-follow-error').textContent).toMatch(
      /^v2 failed; rolled back to v1 as v3: RUNNING\. Why: .*ModuleNotFoundError/s,
    );
    await waitFor(() =>
      expect(
        screen
          .getAllByTestId('serve-history-row')
          .map((r) => [r.dataset.version, r.dataset.result]),
      ).toEqual([
        ['3', 'running'],
        ['2', 'rolled-back'],
        ['1', 'running'],
      ]),
    );
    expect(h.fake.puts.at(-1)).toEqual(parseYaml(ECHO).value);
  }, 15_000);
});

describe('Serve page: an apply already running', () => {
  it('is followed when the page opens (a reload, or the CLI on this core), to RUNNING', async () => {
    await h.start({ start: 'empty', deployingPolls: 60 });
    const started = await h.core.serve.apply(h.clusterId, ECHO);
    h.renderApp();
    const follow = await screen.findByTestId('serve-follow');
    expect(follow.dataset.operation).toBe(started.operationId);
    expect(follow.dataset.state).toBe('running');
    await followedTo('succeeded');
  }, 15_000);
});

describe('Serve page: history and rollback', () => {
  it("rolls back to v1 after a confirm: Ray gets v1's text again, recorded as v3 (rollback of v1)", async () => {
    await h.start({ start: 'empty' });
    const v1 = await h.core.serve.apply(h.clusterId, ECHO);
    await h.core.operations.wait(v1.operationId);
    const v2 = await h.core.serve.apply(
      h.clusterId,
      ECHO.replace('num_replicas: 1', 'num_replicas: 2').replace('# v1', '# v2'),
    );
    await h.core.operations.wait(v2.operationId);
    h.renderApp();
    const rows = await screen.findAllByTestId('serve-history-row');
    expect(rows.map((r) => r.dataset.version)).toEqual(['2', '1']);
    // The editor starts from the newest version's exact text.
    await waitFor(() =>
      expect(screen.getByTestId('serve-draft-source').textContent).toBe('From v2 of the history'),
    );
    expect(await h.yamlText()).toContain('# v2: echo only');
    // A version's text, as applied.
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'v1' }));
    const version = within(await screen.findByRole('dialog', { name: 'v1 as applied' }));
    expect((await version.findByTestId('serve-version-text')).textContent).toBe(ECHO);
    fireEvent.click(version.getByRole('button', { name: 'Close' }));
    // Cancel first: nothing is sent.
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Roll back to this version' }));
    let confirm = within(await screen.findByRole('dialog', { name: 'Roll back to v1?' }));
    fireEvent.click(confirm.getByRole('button', { name: 'Keep what runs' }));
    expect(h.fake.puts).toHaveLength(2);
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Roll back to this version' }));
    confirm = within(await screen.findByRole('dialog', { name: 'Roll back to v1?' }));
    await act(async () => {
      fireEvent.click(confirm.getByRole('button', { name: 'Roll back to v1' }));
    });
    const follow = await followedTo('succeeded');
    expect(within(follow).getByText('Roll Serve back to v1 (as v3)')).toBeTruthy();
    expect(h.fake.puts).toHaveLength(3);
    expect(h.fake.puts[2]).toEqual(parseYaml(ECHO).value);
    await waitFor(() =>
      expect(screen.getAllByTestId('serve-history-row')[0]!.textContent).toContain(
        'v3 (rollback of v1)',
      ),
    );
    expect(await h.core.serve.history(h.clusterId).text(3)).toBe(ECHO);
  });
});
