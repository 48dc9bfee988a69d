// @vitest-environment jsdom
/**
 * Whole-app: the Serve page's files against a real core and a real disk — Open a Serve config
 * (CRLF, comments, odd spacing), edit one field in the form, Save (Ctrl+S): the file differs in
 * that line only; a file changed on disk since it was opened is not overwritten until the user
 * confirms; Open over unsaved edits asks first; Import RayService from a 3-document manifest
 * (pick one), edit and save back into that RayService (the rest of the manifest kept); Export RayService to a file, then Open it again: its config validates clean.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, describe, expect, it } from 'vitest';
import { useServeUi } from '../../renderer/features/serve/serve-draft-store';
import { useServeHarness } from './serve-harness';

const h = useServeHarness();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-serve-files-app-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CONFIG =
  '# echo service, saved on Windows\r\n' +
  'applications:\r\n' +
  '- name: echo            # the app\r\n' +
  '  route_prefix:   "/echo"\r\n' +
  '  import_path: demo_app:build_app\r\n' +
  '  deployments:\r\n' +
  '  - name: Echo\r\n' +
  '    num_replicas: 1     # one is enough for now\r\n';

const service = (i: number) =>
  [
    'apiVersion: ray.io/v1',
    'kind: RayService',
    'metadata:',
    `  name: svc-${i}`,
    'spec:',
    '  serveConfigV2: |',
    `    # config ${i}`,
    '    applications:',
    `      - name: app${i}`,
    `        route_prefix: /r${i}`,
    '        import_path: demo_app:build_app',
    '',
  ].join('\n');

async function openPath(button: string, file: string) {
  fireEvent.click(screen.getByRole('button', { name: button }));
  const dialog = within(await screen.findByTestId('serve-open-dialog'));
  fireEvent.change(dialog.getByLabelText('Path'), { target: { value: file } });
  fireEvent.click(dialog.getByRole('button', { name: button === 'Open…' ? 'Open' : 'Import' }));
  return dialog;
}

/** The editor's text as the page holds it (CodeMirror itself shows CRLF lines with \n). */
const draftText = () => useServeUi.getState().drafts[h.clusterId]?.text;
const fileName = () => screen.getByTestId('serve-file-name').textContent;

describe('Serve page: files', () => {
  it('Open → form edit → Save: the file on disk differs in that line only; a file changed on disk asks first', async () => {
    const file = path.join(dir, 'echo.yaml');
    fs.writeFileSync(file, CONFIG);
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await openPath('Open…', file);
    await waitFor(() => expect(fileName()).toBe('echo.yaml'));
    expect(draftText()).toBe(CONFIG);
    expect(await h.yamlText()).toBe(CONFIG.replaceAll('\r\n', '\n'));
    expect((screen.getByTestId('serve-save') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const dep = await screen.findByTestId('form-deployment');
    fireEvent.change(within(dep).getByRole('textbox', { name: 'num_replicas' }), {
      target: { value: '3' },
    });
    await waitFor(() => expect(fileName()).toBe('echo.yaml •'));
    fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(fileName()).toBe('echo.yaml'));
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).toBe(CONFIG.replace('num_replicas: 1     # one', 'num_replicas: 3     # one'));
    const before = CONFIG.split('\r\n');
    expect(saved.split('\r\n').flatMap((l, i) => (l === before[i] ? [] : [l]))).toEqual([
      '    num_replicas: 3     # one is enough for now',
    ]);

    // Someone else writes the file; the next save asks before overwriting their change.
    fs.writeFileSync(file, `${saved}# added elsewhere\r\n`);
    fireEvent.change(
      within(await screen.findByTestId('form-deployment')).getByRole('textbox', {
        name: 'num_replicas',
      }),
      { target: { value: '4' } },
    );
    await waitFor(() => expect(fileName()).toBe('echo.yaml •'));
    fireEvent.click(screen.getByTestId('serve-save'));
    const ask = within(await screen.findByTestId('serve-overwrite-confirm'));
    expect(ask.getByText(/changed on disk since it was opened/)).toBeTruthy();
    fireEvent.click(ask.getByRole('button', { name: "Don't overwrite" }));
    expect(fs.readFileSync(file, 'utf8')).toContain('# added elsewhere');
    fireEvent.click(screen.getByTestId('serve-save'));
    fireEvent.click(
      within(await screen.findByTestId('serve-overwrite-confirm')).getByRole('button', {
        name: 'Overwrite',
      }),
    );
    await waitFor(() => expect(fileName()).toBe('echo.yaml'));
    expect(fs.readFileSync(file, 'utf8')).toContain('num_replicas: 4     # one');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('# added elsewhere');
  });

  it('Import RayService from a 3-document file: pick one, unsaved edits asked about first; an edit saves back into it', async () => {
    const file = path.join(dir, 'k8s.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n${service(1)}---\n${service(2)}`,
    );
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await h.setYaml('applications: []\n# mine\n');
    const dialog = await openPath('Import RayService…', file);
    const pick = within(await screen.findByTestId('serve-rayservice-pick'));
    expect(pick.getByText('document 3')).toBeTruthy();
    fireEvent.click(pick.getByRole('button', { name: 'svc-2' }));
    const ask = within(await screen.findByTestId('serve-replace-confirm'));
    fireEvent.click(ask.getByRole('button', { name: 'Replace' }));
    await waitFor(async () =>
      expect(await h.yamlText()).toBe(
        '# config 2\napplications:\n  - name: app2\n    route_prefix: /r2\n    import_path: demo_app:build_app\n',
      ),
    );
    expect(dialog.queryByRole('button', { name: 'Import' })).toBeNull();
    expect(screen.getByTestId('serve-draft-source').textContent).toBe(
      `RayService "svc-2" (document 3 of 3; serveConfigV2 from line 24) of ${file}`,
    );

    // An edit saves back into svc-2's serveConfigV2; the rest of the manifest stays as it was.
    const before = fs.readFileSync(file, 'utf8');
    await h.setYaml(
      '# config 2\napplications:\n  - name: app2\n    route_prefix: /r2-edited\n    import_path: demo_app:build_app\n',
    );
    await waitFor(() => expect(fileName()).toBe('k8s.yaml •'));
    expect(screen.getByTestId('serve-save').getAttribute('title')).toBe(
      'Save into RayService "svc-2" of k8s.yaml (Ctrl+S)',
    );
    fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(fileName()).toBe('k8s.yaml'));
    const after = fs.readFileSync(file, 'utf8');
    expect(after).toBe(
      before.replace('        route_prefix: /r2\n', '        route_prefix: /r2-edited\n'),
    );
    expect(screen.getByTestId('serve-draft-source').textContent).toContain('RayService "svc-2"');

    // Changed elsewhere meanwhile: asked first; saving then keeps that change.
    fs.writeFileSync(file, after.replace('name: cm', 'name: cm-elsewhere'));
    await h.setYaml(
      '# config 2\napplications:\n  - name: app2\n    route_prefix: /r2-again\n    import_path: demo_app:build_app\n',
    );
    await waitFor(() => expect(fileName()).toBe('k8s.yaml •'));
    fireEvent.click(screen.getByTestId('serve-save'));
    const conflict = within(await screen.findByTestId('serve-overwrite-confirm'));
    expect(conflict.getByText(/its other changes are kept/)).toBeTruthy();
    fireEvent.click(conflict.getByRole('button', { name: 'Save into the manifest' }));
    await waitFor(() => expect(fileName()).toBe('k8s.yaml'));
    expect(fs.readFileSync(file, 'utf8')).toBe(
      after
        .replace('name: cm', 'name: cm-elsewhere')
        .replace('route_prefix: /r2-edited', 'route_prefix: /r2-again'),
    );
  });

  it('Export RayService to a file, then Open it: the same config, validating clean', async () => {
    const file = path.join(dir, 'echo-plain.yaml');
    fs.writeFileSync(file, CONFIG.replaceAll('\r\n', '\n'));
    const out = path.join(dir, 'exported.yaml');
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    await openPath('Open…', file);
    await waitFor(() => expect(fileName()).toBe('echo-plain.yaml'));
    fireEvent.click(screen.getByRole('button', { name: 'Export RayService…' }));
    const dialog = within(await screen.findByTestId('serve-export-dialog'));
    fireEvent.change(dialog.getByLabelText('RayService name'), { target: { value: 'echo-svc' } });
    fireEvent.change(dialog.getByLabelText('Path'), { target: { value: out } });
    const exportButton = dialog.getByRole('button', { name: 'Export' });
    act(() => {
      fireEvent.click(exportButton);
      fireEvent.click(exportButton);
    });
    await waitFor(() => expect(screen.queryByTestId('serve-export-dialog')).toBeNull());
    // The double click exported once: a second export would have found the file and asked.
    expect(screen.queryByTestId('serve-overwrite-confirm')).toBeNull();
    const manifest = fs.readFileSync(out, 'utf8');
    expect(manifest).toMatch(/^kind: RayService$/m);
    expect(manifest).toContain('  name: echo-svc\n');
    await openPath('Open…', out);
    await waitFor(() => expect(fileName()).toBe('exported.yaml'));
    expect(await h.yamlText()).toBe(CONFIG.replaceAll('\r\n', '\n'));
    await waitFor(() => expect(screen.getByTestId('serve-validation').textContent).toBe('Valid'), {
      timeout: 4000,
    });
  });

  it('a missing file and a folder are refused in the dialog, in a sentence', async () => {
    await h.start({ start: 'empty' });
    h.renderApp();
    await h.editor();
    const dialog = await openPath('Open…', path.join(dir, 'nope.yaml'));
    expect((await dialog.findByTestId('serve-file-error')).textContent).toBe(
      `Not done: No file at ${path.join(dir, 'nope.yaml')}`,
    );
    fireEvent.change(dialog.getByLabelText('Path'), { target: { value: dir } });
    fireEvent.click(dialog.getByRole('button', { name: 'Open' }));
    await waitFor(() =>
      expect(dialog.getByTestId('serve-file-error').textContent).toBe(
        `Not done: ${dir} is a folder, not a file`,
      ),
    );
  });
});
