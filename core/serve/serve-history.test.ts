/**
 * The Serve history on disk: numbered versions with the exact text, results set later, and two
 * processes (the app and the CLI) recording at once without losing or renumbering an entry.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { ServeHistory, sha256 } from './serve-history';

const tempHome = useTempHomes();
const by = { user: 'ana', via: 'cli' as const };

describe('ServeHistory', () => {
  it('numbers versions, keeps the text byte for byte, and sets results later', async () => {
    const h = new ServeHistory(path.join(tempHome(), 'history'), 'c1');
    const text = '# a comment\napplications:\n- name: a   # keep me\n  import_path: pkg:app\n\n\n';
    const v1 = await h.record({ text, by, applications: ['a'], deletes: [] });
    const v2 = await h.record({
      text: 'applications: []\n',
      by,
      applications: [],
      deletes: ['a'],
      rollbackOf: null,
    });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ result: { state: 'applying' }, sha256: sha256(text), by });
    expect(await h.text(1)).toBe(text);
    expect(await fs.readFile(path.join(h.dir, 'v0001.yaml'), 'utf8')).toBe(text);
    await h.setResult(1, 'failed', [
      'a: DEPLOY_FAILED',
      'a/D (DEPLOY_FAILED): A replica failed to start',
    ]);
    expect((await h.list()).map((e) => [e.version, e.result.state, e.deletes])).toEqual([
      [2, 'applying', ['a']],
      [1, 'failed', []],
    ]);
    expect((await h.entry(1)).result.messages[1]).toMatch(/replica failed/);
    await expect(h.text(9)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a cluster id that would leave the history folder', () => {
    expect(() => new ServeHistory('/tmp/h', '../etc')).toThrow(/Not a cluster id/);
  });

  it('two processes recording at once: 2 x 12 entries, versions 1..24, none lost, each text its own', async () => {
    const root = path.join(tempHome(), 'history');
    const child = path.join(root, '..', 'child.mts');
    const mod = path.resolve(__dirname, 'serve-history.ts');
    await fs.writeFile(
      child,
      `import { ServeHistory } from ${JSON.stringify(mod)};
const who = process.argv[2];
const h = new ServeHistory(${JSON.stringify(root)}, 'c1');
for (let i = 0; i < 12; i++) {
  const e = await h.record({ text: 'applications: []  # ' + who + ' ' + i + '\\n', by: { user: who, via: who === 'app' ? 'app' : 'cli' }, applications: [], deletes: [] });
  await h.setResult(e.version, 'running');
}
`,
    );
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const codes = await Promise.all(
      ['app', 'cli'].map(
        (who) =>
          new Promise<number | null>((resolve) =>
            spawn(tsx, [child, who], { stdio: 'inherit' }).on('exit', resolve),
          ),
      ),
    );
    expect(codes).toEqual([0, 0]);
    const h = new ServeHistory(root, 'c1');
    const list = await h.list();
    expect(list.map((e) => e.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
    expect(list.every((e) => e.result.state === 'running')).toBe(true);
    const texts = await Promise.all(
      list.map(async (e) => [e.by.user, await h.text(e.version), e.sha256] as const),
    );
    for (const who of ['app', 'cli'])
      expect(
        texts
          .filter(([u]) => u === who)
          .map(([, t]) => t)
          .sort(),
      ).toEqual(Array.from({ length: 12 }, (_, i) => `applications: []  # ${who} ${i}\n`).sort());
    for (const [, t, hash] of texts) expect(hash).toBe(sha256(t));
  }, 60_000);
});
