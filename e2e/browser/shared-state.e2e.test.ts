/**
 * The app and the CLI are one state (issue 20 item 1), in Chromium against `raydeck ui`: what a
 * `raydeck` command writes to the same $RAYDECK_HOME shows in the open page without a reload, and
 * what the page writes next keeps it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAppSession } from '../support/app-session';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'raydeck.js');
const session = useAppSession();

function raydeckIn(home: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, RAYDECK_HOME: home } },
      (err) => resolve(err ? 1 : 0),
    );
  });
}

describe('the open app and the raydeck command', () => {
  it("shows a cluster the CLI created and renamed, and the page's own add keeps it", async () => {
    const { page, app, raydeck } = session;
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    await page.getByTestId('clusters-empty').waitFor();
    expect(await raydeckIn(raydeck.home, ['cluster', 'create', 'from-cli'])).toBe(0);
    await app.clusterCards().filter({ hasText: 'from-cli' }).waitFor({ timeout: 5_000 });
    await app.addCluster('from-ui');
    await expect.poll(() => app.clusterCards().count()).toBe(2);
    expect(await raydeckIn(raydeck.home, ['cluster', 'rename', 'from-cli', 'renamed-by-cli'])).toBe(
      0,
    );
    await app.clusterCards().filter({ hasText: 'renamed-by-cli' }).waitFor({ timeout: 5_000 });
    const inventory = JSON.parse(
      fs.readFileSync(path.join(raydeck.home, 'inventory.json'), 'utf8'),
    );
    expect(inventory.clusters.map((c: { name: string }) => c.name).sort()).toEqual([
      'from-ui',
      'renamed-by-cli',
    ]);
  }, 60_000);
});
