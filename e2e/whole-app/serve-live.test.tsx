// @vitest-environment jsdom
/**
 * Whole-app: the Serve page's live view against a real core and a stand-in Ray dashboard —
 * applications -> deployments with desired/running/pending counts and Ray's reason for pending
 * replicas; the empty states (no cluster, nothing deployed); the editor starts from the config
 * the cluster runs.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useServeHarness } from './serve-harness';

const h = useServeHarness();

const HUGE = `# asks for more GPUs than the cluster has
applications:
- name: huge
  route_prefix: /huge
  import_path: demo_app:build_app
  deployments:
  - name: Huge
    num_replicas: 1
`;

describe('Serve page: live view', () => {
  it("shows pending replicas with Ray's reason and the unplaced replica", async () => {
    await h.start({ start: 'empty' });
    await h.core.serve.apply(h.clusterId, HUGE);
    h.renderApp();
    const app = await screen.findByTestId('serve-app');
    expect(app.dataset.name).toBe('huge');
    const reason = await screen.findByTestId('pending-reason', {}, { timeout: 8000 });
    expect(reason.textContent).toContain(
      "Deployment 'Huge' in application 'huge' has 1 replicas that have taken more than 30s to be scheduled",
    );
    expect(reason.textContent).toContain(
      'Resources required for each replica: {"CPU": 1.0, "GPU": 4.0}',
    );
    const dep = screen.getByTestId('serve-deployment');
    expect(dep.dataset.name).toBe('Huge');
    const counts = within(dep).getByTestId('replica-counts');
    expect(counts.dataset.pending).toBe('1');
    expect(counts.dataset.running).toBe('0');
    expect(counts.textContent).toContain('1 pending');
    fireEvent.click(within(dep).getByRole('button', { name: /^Huge/ }));
    expect(within(dep).getByText('PENDING (not placed)')).toBeTruthy();
  }, 15_000);

  it('the captured LLM app: applications -> deployments, all running; the editor starts from the live config', async () => {
    await h.start();
    h.renderApp();
    const app = await screen.findByTestId('serve-app');
    expect(app.dataset.status).toBe('RUNNING');
    const deps = within(app).getAllByTestId('serve-deployment');
    expect(deps.length).toBeGreaterThan(0);
    for (const d of deps) expect(within(d).getByTestId('replica-counts').dataset.pending).toBe('0');
    await waitFor(() =>
      expect(screen.getByTestId('serve-draft-source').textContent).toBe(
        'From the config the cluster runs',
      ),
    );
    expect(await h.yamlText()).toContain('name: llm');
  });

  it('reads Serve again every few seconds: an app deployed from elsewhere (the CLI) shows without a click', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await screen.findByTestId('serve-nothing-deployed');
    // A PUT that bypasses this core (no operation events): only the page's own polling can see it.
    const other = await h.fake.connector()(h.clusterId);
    await other.api.putApplications({
      applications: [{ name: 'elsewhere', route_prefix: '/e', import_path: 'demo_app:build_app' }],
    });
    const app = await screen.findByTestId('serve-app', {}, { timeout: 8000 });
    expect(app.dataset.name).toBe('elsewhere');
  }, 15_000);

  it("a head that does not answer: the empty state with the core's reason, the editor still checks; Try again once it answers", async () => {
    await h.start();
    h.unreachable = 'Cannot reach Ray Serve on this cluster: connect ECONNREFUSED 198.51.100.10:22';
    h.renderApp();
    const empty = await screen.findByTestId('serve-unreachable');
    expect(within(empty).getByRole('heading').textContent).toBe('Serve on lab does not answer');
    expect(within(empty).getByTestId('serve-status-error').textContent).toBe(
      'The core said: Cannot reach Ray Serve on this cluster: connect ECONNREFUSED 198.51.100.10:22',
    );
    expect(within(empty).getByRole('button', { name: 'Go to Bring-up' })).toBeTruthy();
    await h.setYaml('applications:\n- name: a\n  route_prefix: v1\n  import_path: m:app\n');
    const finding = await screen.findByTestId('serve-diagnostic', {}, { timeout: 4000 });
    expect(finding.dataset.line).toBe('3');
    h.unreachable = null;
    fireEvent.click(within(empty).getByRole('button', { name: 'Try again' }));
    expect((await screen.findByTestId('serve-app')).dataset.name).toBe('llm');
    expect(screen.queryByTestId('serve-unreachable')).toBeNull();
  });

  it('says what to do when nothing is deployed and when there is no cluster', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    const empty = await screen.findByTestId('serve-nothing-deployed');
    expect(empty.textContent).toContain('Nothing deployed on lab yet');
    expect(empty.textContent).toContain('the first apply starts it');
    await waitFor(() =>
      expect(screen.getByTestId('serve-draft-source').textContent).toBe('New config'),
    );
    await h.core.inventory.remove(h.clusterId);
    expect(await screen.findByTestId('serve-no-cluster')).toBeTruthy();
  });
});
