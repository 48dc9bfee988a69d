/**
 * The `raydeck` command against the real testbed, as a user scripts it: `node bin/raydeck.js`
 * as a child process with its own $RAYDECK_HOME and $HOME. First the testbed JSON: import,
 * connect (host-key-unknown with the fingerprint), trust each node with its expected
 * fingerprint, preflight green. Then, in a fresh home, a generated ~/.ssh/config whose node2
 * and node3 sit behind `ProxyJump node1`: trusted hop by hop (jump host first), preflight green.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, HostKeyInfo, NodePreflight, NodeWithState } from '../../shared';
import { testbedInfo, type TestbedInfo, type TestbedNode } from '../support/testbed';
import { raydeck, removeWorlds, world, type CliResult, type World } from '../support/cli-process';

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
const oneLine = (r: CliResult) => expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
type Connected = { name: string; connection: ConnectionState }[];

function presented(c: ConnectionState): string {
  if (c.state !== 'failed' || !c.presented)
    throw new Error(`expected a host-key failure, got ${JSON.stringify(c)}`);
  return c.presented.fingerprint;
}

/** Preflight of a cluster: exit 0, one result per Ray node, no FAIL line. */
async function expectGreenCheck(w: World, cluster: string, rayNodes: number) {
  const res = await raydeck(w, ['node', 'check', cluster, '--json']);
  expect(res.code, res.stderr).toBe(0);
  const results = json<NodePreflight[]>(res);
  expect(results).toHaveLength(rayNodes);
  for (const r of results) {
    expect(r.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['cpu', 'memory', 'disk', 'python', 'ports']),
    );
    const failed = r.checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed)).toEqual([]);
  }
}

let tb: TestbedInfo;
beforeAll(() => {
  tb = testbedInfo();
  expect(tb.nodes.length).toBeGreaterThanOrEqual(3);
});
afterAll(() => removeWorlds());

describe('raydeck CLI: the testbed JSON, trust on first use, preflight', () => {
  let w: World;
  beforeAll(() => {
    w = world();
  });

  it('imports the testbed; connect shows each unknown key with its fingerprint', async () => {
    expect((await raydeck(w, ['cluster', 'create', 'tb'])).code).toBe(0);
    const imported = await raydeck(w, [
      'node',
      'import',
      'tb',
      '--testbed',
      process.env.RAYDECK_TESTBED_JSON!,
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(json<{ added: { name: string }[] }>(imported).added.map((n) => n.name)).toEqual(
      tb.nodes.map((n) => n.name),
    );

    const connect = await raydeck(w, ['node', 'connect', 'tb', '--json']);
    expect(connect.code).toBe(1);
    oneLine(connect);
    for (const n of json<Connected>(connect)) {
      expect(n.connection).toMatchObject({ state: 'failed', failure: 'host-key-unknown' });
      expect(tb.nodes.find((t) => t.name === n.name)!.hostKeyFingerprints).toContain(
        presented(n.connection),
      );
    }
    const human = await raydeck(w, ['node', 'connect', 'tb', tb.nodes[0]!.name]);
    expect(human.stdout).toContain(
      `trust it: raydeck node trust tb ${tb.nodes[0]!.name} --fingerprint`,
    );
    expect(human.stdout).toContain('(matches the fingerprint the import source vouched for)');
  });

  it('trusts only the exact fingerprint, each node with the one the testbed expects', async () => {
    const first = tb.nodes[0]!;
    const wrong = await raydeck(w, [
      'node',
      'trust',
      'tb',
      first.name,
      '--fingerprint',
      `SHA256:${'A'.repeat(43)}`,
    ]);
    expect(wrong.code).toBe(1);
    oneLine(wrong);
    expect(first.hostKeyFingerprints).toContain(
      / presents (SHA256:\S{43}), not /.exec(wrong.stderr)?.[1],
    );
    const bare = await raydeck(w, ['node', 'trust', 'tb', first.name]);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain(`raydeck node trust tb ${first.name} --fingerprint SHA256:`);

    const connect = json<Connected>(await raydeck(w, ['node', 'connect', 'tb', '--json']));
    for (const n of tb.nodes) {
      const fp = presented(connect.find((c) => c.name === n.name)!.connection);
      expect(n.hostKeyFingerprints).toContain(fp);
      const trusted = await raydeck(w, ['node', 'trust', 'tb', n.name, '--fingerprint', fp]);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(trusted.stdout).toContain(`Trusted ${n.name}`);
    }
    const ready = await raydeck(w, ['node', 'connect', 'tb', '--json']);
    expect(ready.code, ready.stderr).toBe(0);
    expect(json<Connected>(ready).map((n) => n.connection.state)).toEqual(
      tb.nodes.map(() => 'ready'),
    );
    const listed = json<NodeWithState[]>(await raydeck(w, ['node', 'list', 'tb', '--json']));
    expect(listed.every((n) => typeof n.connection.state === 'string')).toBe(true);
  });

  it('node check is green on every node (--json and the checklist)', async () => {
    await expectGreenCheck(w, 'tb', tb.nodes.length);
    const human = await raydeck(w, ['node', 'check', 'tb']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^ {2}PASS {2}/m);
    expect(human.stdout).not.toMatch(/^ {2}FAIL /m);
  });
});

describe('raydeck CLI: ~/.ssh/config with ProxyJump, trusted hop by hop', () => {
  let w: World;
  let jump: TestbedNode;
  let behind: TestbedNode[];

  beforeAll(() => {
    w = world();
    [jump, ...behind] = tb.nodes.slice(0, 3) as [TestbedNode, TestbedNode, TestbedNode];
    const entry = (n: TestbedNode, proxy: string | null) =>
      [
        `Host ${n.name}`,
        `  HostName ${n.host}`,
        `  Port ${n.port}`,
        '  User root',
        `  IdentityFile ${n.identityFile}`,
        ...(proxy ? [`  ProxyJump ${proxy}`] : []),
        '',
      ].join('\n');
    fs.mkdirSync(path.join(w.home, '.ssh'), { mode: 0o700 });
    fs.writeFileSync(
      path.join(w.home, '.ssh', 'config'),
      [entry(jump, null), ...behind.map((n) => entry(n, jump.name))].join('\n'),
      { mode: 0o600 },
    );
  });

  it('imports the jump host as a jump node and the others behind it', async () => {
    expect((await raydeck(w, ['cluster', 'create', 'jumped'])).code).toBe(0);
    const imported = await raydeck(w, [
      'node',
      'import',
      'jumped',
      '--ssh-config',
      '~/.ssh/config',
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const added = json<{
      added: { id: string; name: string; role: string; jumpNodeId: string | null }[];
    }>(imported).added;
    const jumpId = added.find((n) => n.name === jump.name)!.id;
    expect(added.map((n) => [n.name, n.role, n.jumpNodeId === jumpId])).toEqual([
      [jump.name, 'jump', false],
      [behind[0]!.name, 'head', true],
      [behind[1]!.name, 'worker', true],
    ]);
  });

  it('a node behind an untrusted jump host cannot be reached or trusted before the jump host', async () => {
    const connect = await raydeck(w, ['node', 'connect', 'jumped', behind[0]!.name, '--json']);
    expect(connect.code).toBe(1);
    expect(json<Connected>(connect)[0]!.connection).toMatchObject({
      state: 'failed',
      failure: 'jump',
    });
    const trust = await raydeck(w, ['node', 'trust', 'jumped', behind[0]!.name]);
    expect(trust.code).toBe(1);
    oneLine(trust);
    expect(trust.stderr).toContain(`whose host key is unknown: trust ${jump.name} first`);
  });

  it('trusts the jump host, then each node through it; all connect and preflight is green', async () => {
    const info = await raydeck(w, ['node', 'trust', 'jumped', jump.name, '--json']);
    expect(info.code).toBe(1);
    const jumpKey = json<HostKeyInfo>(info);
    expect(jumpKey.status).toBe('unknown');
    expect(jump.hostKeyFingerprints).toContain(jumpKey.fingerprint);
    expect(
      (
        await raydeck(w, [
          'node',
          'trust',
          'jumped',
          jump.name,
          '--fingerprint',
          jumpKey.fingerprint,
        ])
      ).code,
    ).toBe(0);

    for (const n of behind) {
      const first = await raydeck(w, ['node', 'connect', 'jumped', n.name, '--json']);
      expect(first.code).toBe(1);
      const c = json<Connected>(first)[0]!.connection;
      expect(c).toMatchObject({ state: 'failed', failure: 'host-key-unknown' });
      expect(n.hostKeyFingerprints).toContain(presented(c));
      const trusted = await raydeck(w, [
        'node',
        'trust',
        'jumped',
        n.name,
        '--fingerprint',
        presented(c),
      ]);
      expect(trusted.code, trusted.stderr).toBe(0);
    }
    const ready = await raydeck(w, ['node', 'connect', 'jumped', '--json']);
    expect(ready.code, ready.stderr).toBe(0);
    expect(json<Connected>(ready).map((n) => [n.name, n.connection.state])).toEqual(
      [jump, ...behind].map((n) => [n.name, 'ready']),
    );
    await expectGreenCheck(w, 'jumped', behind.length);
  });
});
