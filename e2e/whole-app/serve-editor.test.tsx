// @vitest-environment jsdom
/**
 * Whole-app: the Serve page's editors against a real core — the validator's findings drawn on
 * the line they name (in CodeMirror and in the list, with the suggested key), a form edit that
 * changes exactly one line of the YAML (comments and everything else byte-identical), and a
 * YAML edit that the form shows.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useServeHarness } from './serve-harness';

const h = useServeHarness();

const CONFIG = `# echo service — comments must survive form edits
applications:
- name: echo            # the app
  route_prefix: "/echo"
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 1     # one is enough for now
    ray_actor_options:
      num_cpus: 0.5
`;

const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  return b.split('\n').filter((l, i) => l !== x[i]);
};

describe('Serve page: editors', () => {
  it("draws a misspelled key's finding on its line, with the key Ray expects", async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await h.setYaml(
      CONFIG.replace(
        '    num_replicas: 1     # one is enough for now\n',
        '    num_replicas: 1\n    max_concurrent_queries: 5\n',
      ),
    );
    const item = await screen.findByTestId('serve-diagnostic', {}, { timeout: 4000 });
    expect(item.dataset.line).toBe('9');
    expect(item.dataset.severity).toBe('error');
    expect(item.textContent).toContain('max_ongoing_requests');
    expect(screen.getByTestId('serve-validation').dataset.errors).toBe('1');
    // In the editor: line 9 (and only it) carries the error underline, over the key.
    const view = await h.editor();
    await waitFor(() => expect(view.dom.querySelectorAll('.cm-lintRange-error')).toHaveLength(1));
    const range = view.dom.querySelector('.cm-lintRange-error')!;
    expect(range.textContent).toBe('max_concurrent_queries');
    const line = range.closest('.cm-line')!;
    expect([...view.contentDOM.querySelectorAll('.cm-line')].indexOf(line)).toBe(8);
    // A click on the finding's line puts the cursor on that line.
    fireEvent.click(within(item).getByRole('button', { name: 'line 9' }));
    expect(view.state.doc.lineAt(view.state.selection.main.head).number).toBe(9);
    // Fixed: the finding goes.
    await h.setYaml(CONFIG);
    await waitFor(() => expect(screen.queryByTestId('serve-diagnostic')).toBeNull(), {
      timeout: 4000,
    });
    expect(screen.getByTestId('serve-validation').textContent).toBe('Valid');
  });

  it("a form edit changes only that field's line of the YAML; a YAML edit shows in the form", async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await h.setYaml(CONFIG);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const dep = await screen.findByTestId('form-deployment');
    expect(dep.dataset.name).toBe('Echo');
    const replicas = within(dep).getByRole('textbox', { name: 'num_replicas' }) as HTMLInputElement;
    expect(replicas.value).toBe('1');
    fireEvent.change(replicas, { target: { value: '3' } });
    fireEvent.change(within(dep).getByRole('textbox', { name: 'num_cpus' }), {
      target: { value: '2' },
    });
    fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    const text = await h.yamlText();
    expect(changedLines(CONFIG, text)).toEqual([
      '    num_replicas: 3     # one is enough for now',
      '      num_cpus: 2',
    ]);
    expect(text.split('\n').length).toBe(CONFIG.split('\n').length);
    // A field the YAML lacks is added under its parent, everything else kept.
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    fireEvent.change(
      within(await screen.findByTestId('form-deployment')).getByRole('textbox', {
        name: 'num_gpus',
      }),
      { target: { value: '1' } },
    );
    fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    expect((await h.yamlText()).replace('      num_gpus: 1\n', '')).toBe(text);
    // YAML -> form.
    await h.setYaml(CONFIG.replace('route_prefix: "/echo"', 'route_prefix: "/v2"'));
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    expect(
      (
        within(await screen.findByTestId('form-application')).getByRole('textbox', {
          name: 'route_prefix',
        }) as HTMLInputElement
      ).value,
    ).toBe('/v2');
  });

  it('starting from the template over unsaved edits asks first', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await h.setYaml(CONFIG);
    fireEvent.click(screen.getByRole('button', { name: 'Start from a template' }));
    const ask = within(
      await screen.findByRole('dialog', { name: 'Replace your edits with the template?' }),
    );
    fireEvent.click(ask.getByRole('button', { name: 'Keep my edits' }));
    expect(await h.yamlText()).toBe(CONFIG);
    fireEvent.click(screen.getByRole('button', { name: 'Start from a template' }));
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Replace' }),
    );
    await waitFor(async () => expect(await h.yamlText()).toContain('# A Ray Serve config'));
    expect(screen.getByTestId('serve-draft-source').textContent).toBe('New config');
  });

  it('switching a deployment to autoscaling replaces num_replicas with autoscaling_config', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await h.setYaml(CONFIG);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const dep = await screen.findByTestId('form-deployment');
    fireEvent.click(within(dep).getByRole('radio', { name: 'Autoscaling' }));
    fireEvent.change(within(dep).getByRole('textbox', { name: 'max_replicas' }), {
      target: { value: '4' },
    });
    fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    const text = await h.yamlText();
    expect(text).not.toContain('num_replicas');
    expect(text).toContain(
      '    autoscaling_config:\n      min_replicas: 1\n      max_replicas: 4\n',
    );
    expect(text).toContain('# echo service — comments must survive form edits');
    await waitFor(() => expect(screen.getByTestId('serve-validation').textContent).toBe('Valid'), {
      timeout: 4000,
    });
  });
});
