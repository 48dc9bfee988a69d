/** The CLI contract: exit codes, one-line errors, --json everywhere, state under $RAYDECK_HOME. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempHome } from '../testing/temp-home';
import { main } from './main';

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

async function run(argv: string[], stopped: Promise<void> = Promise.resolve()) {
  const h = makeTempHome();
  homes.push(h);
  return runIn(h.home, argv, stopped);
}
async function runIn(home: string, argv: string[], stopped: Promise<void> = Promise.resolve()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    env: { RAYDECK_HOME: home },
    stopped,
  });
  return { code, out, err };
}

describe('raydeck CLI', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    expect(await run(['--version'])).toEqual({ code: 0, out: [pkg.version], err: [] });
  });

  it('cluster create/list with --json keeps state in RAYDECK_HOME', async () => {
    const h = makeTempHome();
    homes.push(h);
    const created = await runIn(h.home, ['cluster', 'create', 'lab', '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out.join('\n'))).toMatchObject({ name: 'lab', nodeCount: 0 });
    const listed = await runIn(h.home, ['cluster', 'list', '--json']);
    expect(JSON.parse(listed.out.join('\n')).map((c: { name: string }) => c.name)).toEqual(['lab']);
    expect(fs.existsSync(path.join(h.home, 'inventory.json'))).toBe(true);
  });

  it('fails with one line and exit 1 for invalid input or a missing cluster', async () => {
    const bad = await run(['cluster', 'create', '$(reboot)']);
    expect(bad.code).toBe(1);
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]).toMatch(
      /^raydeck: Invalid input for clusters.create: name: may contain only/,
    );
    const missing = await run(['cluster', 'remove', 'ghost']);
    expect(missing).toMatchObject({ code: 1, err: ['raydeck: No cluster named "ghost".'] });
  });

  it('exit 2 with usage for unknown commands, options and missing arguments', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    const opt = await run(['cluster', 'list', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.err[0]).toContain('usage: raydeck cluster list');
    expect((await run(['cluster', 'create'])).code).toBe(2);
    expect((await run(['ui', '--port', 'abc'])).err[0]).toContain('--port must be a number');
  });

  it('--help of a command prints its usage and details (exit 0); a group word lists its commands', async () => {
    const help = await run(['node', 'trust', '--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toBe(
      'Usage: raydeck node trust CLUSTER NODE --fingerprint SHA256:... [--json]',
    );
    expect(help.out).toContain(
      'With --fingerprint it exits 1, naming the presented key, when the node presents another one.',
    );
    const group = await run(['cluster', '--help']);
    expect(group.code).toBe(0);
    expect(
      group.out
        .filter((l) => l.startsWith('  raydeck cluster '))
        .map((l) => l.trim().split(/\s+/)[2]),
    ).toEqual(['create', 'list', 'rename', 'remove', 'up', 'status', 'stop', 'start', 'down']);
    const top = await run(['--help']);
    for (const words of [
      'node import',
      'node trust',
      'node connect',
      'node check',
      'cluster up',
      'cluster status',
      'cluster down',
    ]) {
      expect(top.out.some((l) => l.startsWith(`  raydeck ${words} `))).toBe(true);
    }
  });

  it('ui prints one line with the token URL and stops on request', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const h = makeTempHome();
    homes.push(h);
    const running = runIn(h.home, ['ui', '--port', '0'], stopped);
    await new Promise((r) => setTimeout(r, 300));
    stop();
    const { code, out } = await running;
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^Raydeck is running in browser mode at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/,
    );
  });
});

describe('raydeck node', () => {
  it('adds, lists (--json with connection state) and removes nodes; bad input is one line', async () => {
    const h = makeTempHome();
    homes.push(h);
    await runIn(h.home, ['cluster', 'create', 'lab']);
    expect(
      (
        await runIn(h.home, [
          'node',
          'add',
          'lab',
          '--host',
          '198.51.100.10',
          '--user',
          'root',
          '--name',
          'gpu1',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await runIn(h.home, [
          'node',
          'add',
          'lab',
          '--host',
          '198.51.100.11',
          '--user',
          'root',
          '--jump',
          'gpu1',
          '--agent',
        ])
      ).code,
    ).toBe(0);
    const listed = JSON.parse(
      (await runIn(h.home, ['node', 'list', 'lab', '--json'])).out.join('\n'),
    );
    expect(
      listed.map((n: { name: string; role: string; connection: { state: string } }) => [
        n.name,
        n.role,
        n.connection.state,
      ]),
    ).toEqual([
      ['gpu1', 'head', 'idle'],
      ['198-51-100-11', 'worker', 'idle'],
    ]);
    const bad = await runIn(h.home, [
      'node',
      'add',
      'lab',
      '--host',
      '$(reboot)',
      '--user',
      'root',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([
      expect.stringMatching(/^raydeck: Invalid input for nodes.add: .*host: must be a host name/),
    ]);
    expect(
      (await runIn(h.home, ['node', 'add', 'lab', '--host', 'x', '--key', 'k', '--agent'])).code,
    ).toBe(2);
    expect((await runIn(h.home, ['node', 'remove', 'lab', 'gpu1'])).err).toEqual([
      expect.stringContaining('is the jump host of'),
    ]);
    // --inventory-only: no cluster status over SSH (drain-first removal: commands/cluster-day2.test.ts).
    expect(
      (await runIn(h.home, ['node', 'remove', 'lab', '198-51-100-11', '--inventory-only'])).code,
    ).toBe(0);
  });
});
