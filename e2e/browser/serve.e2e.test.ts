/**
 * The Serve page in real Chromium against the real core in browser mode, without a cluster:
 * a cluster whose head does not answer shows the empty state that says so (with the core's
 * reason) while the editor still works; a misspelled key typed into the YAML editor is
 * underlined on its line with the key Ray expects (serve.validate needs no cluster); the
 * screenshot for the README (docs/serve.png); a Serve config file with comments and CRLF opened,
 * one field edited in the form and saved with Ctrl+S differs on disk in that line only, and
 * exported as a RayService it opens again to the same config. Any console error or failed
 * request fails it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppPage } from '../pages/app-page';
import { ServePage } from '../pages/serve-page';
import { useAppSession } from '../support/app-session';
import type { RunningRaydeck } from '../support/browser-mode';

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOT = path.join(ROOT, 'docs', 'serve.png');

const session = useAppSession();
let raydeck: RunningRaydeck;
let page: Page;
let app: AppPage;
beforeEach(() => ({ raydeck, page, app } = session));

/** The CLI on the running app's home (the app watches the inventory and shows the change). */
function raydeckCli(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin/raydeck.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, RAYDECK_HOME: raydeck.home },
    encoding: 'utf8',
  });
}

const CONFIG = `# echo service
applications:
- name: echo
  route_prefix: /echo
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 1
    max_concurrent_queries: 5
`;

/** A cluster made by the CLI whose head is 127.0.0.1 port 1: refused at once, no traffic leaves the machine. */
function clusterWithSilentHead(name: string): void {
  raydeckCli('cluster', 'create', name);
  raydeckCli(
    'node',
    'add',
    name,
    '--host',
    '127.0.0.1',
    '--port',
    '1',
    '--user',
    'root',
    '--agent',
    '--role',
    'head',
  );
}

describe('Serve page in Chromium', () => {
  it('says to add a cluster when there is none', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    const serve = new ServePage(page);
    await serve.open();
    await serve.emptyState('serve-no-cluster').waitFor();
    expect(
      await serve
        .emptyState('serve-no-cluster')
        .getByRole('button', { name: 'Go to Clusters' })
        .isVisible(),
    ).toBe(true);
  });

  it('a cluster whose head does not answer: the empty state with the reason; a misspelled key is underlined with the key Ray expects', async () => {
    // Port 1 on this machine refuses at once: a head that does not answer, no traffic leaves the machine.
    clusterWithSilentHead('lab');
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    const serve = new ServePage(page);
    await serve.openCluster('lab');
    const empty = serve.emptyState('serve-unreachable');
    await empty.waitFor();
    expect(await empty.getByRole('heading').innerText()).toBe('Serve on lab does not answer');
    expect(await empty.getByTestId('serve-status-error').innerText()).toMatch(/^The core said: .+/);
    expect(await empty.getByRole('button', { name: 'Go to Bring-up' }).isVisible()).toBe(true);

    await serve.setYaml(CONFIG);
    expect(await serve.yamlText()).toBe(CONFIG);
    const finding = await serve.waitForDiagnostic('max_ongoing_requests');
    expect(finding.line).toBe(9);
    expect(finding.text).toContain('max_concurrent_queries');
    const underline = serve.yamlEditor.locator('.cm-lintRange-error');
    await expect.poll(() => underline.count()).toBe(1);
    expect(await underline.innerText()).toBe('max_concurrent_queries');
    // Hovering the underlined key shows the message in the editor, too (a taller window for the screenshot).
    await page.setViewportSize({ width: 1280, height: 1080 });
    await underline.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor();
    expect(await tooltip.innerText()).toContain('max_ongoing_requests');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

    // Fixed as suggested: the finding goes.
    await serve.setYaml(CONFIG.replace('max_concurrent_queries', 'max_ongoing_requests'));
    await expect.poll(() => serve.diagnostics.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('serve-validation').innerText()).toBe('Valid');
  });

  it('Open a file, edit one field in the form, Ctrl+S: the file differs in that line only; Export RayService opens again', async () => {
    clusterWithSilentHead('files');
    const dir = fs.mkdtempSync(path.join(raydeck.home, 'files-'));
    const file = path.join(dir, 'echo.yaml');
    const original = `${CONFIG.replace('    max_concurrent_queries: 5\n', '').replaceAll('\n', '\r\n')}# the end\r\n`;
    fs.writeFileSync(file, original);
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    const serve = new ServePage(page);
    await serve.openCluster('files');
    await serve.openFile(file);
    expect(await serve.fileName()).toBe('echo.yaml');
    await serve.setFormField('num_replicas', '3');
    await expect.poll(() => serve.fileName()).toBe('echo.yaml •');
    await serve.save();
    expect(fs.readFileSync(file, 'utf8')).toBe(
      original.replace('num_replicas: 1', 'num_replicas: 3'),
    );
    const exported = path.join(dir, 'rayservice.yaml');
    await serve.exportRayService('echo-svc', exported);
    expect(fs.readFileSync(exported, 'utf8')).toMatch(/^kind: RayService$/m);
    await serve.openFile(exported, { import: true });
    expect(await serve.fileName()).toBe('rayservice.yaml');
    await serve.showYaml();
    expect(await serve.yamlText()).toBe(
      original.replace('num_replicas: 1', 'num_replicas: 3').replaceAll('\r\n', '\n'),
    );
    await expect
      .poll(() => page.getByTestId('serve-validation').innerText(), { timeout: 10_000 })
      .toBe('Valid');
  });
});
