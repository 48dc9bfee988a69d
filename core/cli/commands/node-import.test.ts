/**
 * `raydeck node import`: hosts of an ssh config (ProxyJump hosts become jump nodes, hostile
 * entries are reported, not imported) and of a testbed JSON (vouched fingerprints), --only,
 * --json shape, and every failure as one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../cli-test-kit';

let h: CliHarness;
afterEach(() => h?.cleanup());

const SSH_CONFIG = `
Host bastion
  HostName 203.0.113.5
  User admin
  IdentityFile /keys/lab_key
Host gpu-a
  HostName 203.0.113.10
  User root
  IdentityFile /keys/lab_key
  ProxyJump bastion
Host gpu-b
  HostName 203.0.113.11
  User root
  IdentityFile /keys/lab_key
  ProxyJump bastion
Host evil
  HostName $(reboot)
Host *
  ServerAliveInterval 30
`;

const FP1 = `SHA256:${'a'.repeat(43)}`;
const FP2 = `SHA256:${'b'.repeat(43)}`;
const testbed = (port: unknown = 22) => ({
  nodes: [
    {
      name: 'node1',
      host: '198.51.100.11',
      port,
      user: 'root',
      identityFile: '/tb/client_key',
      hostKeyFingerprints: [FP1],
      gpus: 2,
    },
    {
      name: 'node2',
      host: '198.51.100.12',
      port: 22,
      user: 'root',
      identityFile: '/tb/client_key',
      hostKeyFingerprints: [FP2],
      gpus: 2,
    },
  ],
  index: 'http://198.51.100.1:8080/simple',
});

async function lab(files: Record<string, string>): Promise<(name: string) => string> {
  h = cliHarness();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(h.home, name), text);
  expect((await h.run(['cluster', 'create', 'lab'])).code).toBe(0);
  return (name) => path.join(h.home, name);
}

describe('raydeck node import', () => {
  it('imports an ssh config: jump host first, hosts behind it, problems listed; exit 0', async () => {
    const file = await lab({ config: SSH_CONFIG });
    const res = await h.run(['node', 'import', 'lab', '--ssh-config', file('config')]);
    expect(res.err).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.out[0]).toBe('Imported 3 nodes into lab:');
    expect(res.out.slice(2, 5).map((l) => l.trim().split(/\s+/).slice(0, 5))).toEqual([
      ['bastion', '203.0.113.5:22', 'admin', 'jump', '-'],
      ['gpu-a', '203.0.113.10:22', 'root', 'head', 'bastion'],
      ['gpu-b', '203.0.113.11:22', 'root', 'worker', 'bastion'],
    ]);
    expect(res.out).toContain('Not imported:');
    expect(res.out).toContain(
      '  evil: HostName "$(reboot)" must be a host name, an IPv4 or an IPv6 address.',
    );
    expect(res.out.at(-1)).toBe(
      'Next: raydeck node connect lab, then raydeck node trust lab NODE --fingerprint SHA256:...',
    );
  });

  it('--json gives {added, skipped, warnings}; importing the same hosts again imports nothing (exit 1)', async () => {
    const file = await lab({ config: SSH_CONFIG });
    const res = await h.run(['node', 'import', 'lab', '--ssh-config', file('config'), '--json']);
    const report = JSON.parse(res.out.join('\n'));
    expect(Object.keys(report).sort()).toEqual(['added', 'skipped', 'warnings']);
    expect(
      report.added.map((n: { name: string; jumpNodeId: string | null }) => [
        n.name,
        n.jumpNodeId === null,
      ]),
    ).toEqual([
      ['bastion', true],
      ['gpu-a', false],
      ['gpu-b', false],
    ]);
    expect(report.skipped).toEqual([
      { alias: 'evil', reason: expect.stringContaining('must be a host name') },
    ]);
    const again = await h.run(['node', 'import', 'lab', '--ssh-config', file('config')]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('  gpu-a: Already in this cluster as gpu-a.');
    expect(again.err).toEqual([
      `raydeck: nothing imported from ${file('config')}: 4 hosts have problems`,
    ]);
  });

  it('--only imports the named hosts with the jump hosts they need; a name it cannot import is exit 1', async () => {
    const file = await lab({ config: SSH_CONFIG });
    const res = await h.run([
      'node',
      'import',
      'lab',
      '--ssh-config',
      file('config'),
      '--only',
      'gpu-b',
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out.join('\n')).added.map((n: { name: string }) => n.name)).toEqual([
      'bastion',
      'gpu-b',
    ]);
    const missing = await h.run([
      'node',
      'import',
      'lab',
      '--ssh-config',
      file('config'),
      '--only',
      'gpu-a,nope',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.out[0]).toBe('Imported 1 node into lab:');
    expect(missing.err).toEqual(['raydeck: not imported: nope (not found in the source)']);
  });

  it('imports a testbed JSON with the fingerprints it vouches for', async () => {
    const file = await lab({ 'testbed.json': JSON.stringify(testbed()) });
    const res = await h.run(['node', 'import', 'lab', '--testbed', file('testbed.json'), '--json']);
    expect(res.code).toBe(0);
    expect(
      JSON.parse(res.out.join('\n')).added.map(
        (n: { name: string; role: string; vouchedFingerprints: string[] }) => [
          n.name,
          n.role,
          n.vouchedFingerprints,
        ],
      ),
    ).toEqual([
      ['node1', 'head', [FP1]],
      ['node2', 'worker', [FP2]],
    ]);
  });

  it('fails in one line: a malformed testbed JSON names the field, a missing file, a usage mistake', async () => {
    const file = await lab({ 'bad.json': JSON.stringify(testbed('x')) });
    const bad = await h.run(['node', 'import', 'lab', '--testbed', file('bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]).toMatch(
      /^raydeck: .*bad\.json is not a usable testbed description: nodes\[0\]\.port: must be a number$/,
    );
    expect((await h.run(['node', 'import', 'lab', '--testbed', file('none.json')])).err).toEqual([
      `raydeck: Cannot read ${file('none.json')}: no such file.`,
    ]);
    expect((await h.run(['node', 'import', 'lab'])).err).toEqual([
      'raydeck: give exactly one of --ssh-config FILE or --testbed FILE',
    ]);
    expect(
      (await h.run(['node', 'import', 'lab', '--testbed', 'a', '--ssh-config', 'b'])).code,
    ).toBe(2);
    expect((await h.run(['node', 'import', 'ghost', '--testbed', file('bad.json')])).err).toEqual([
      'raydeck: No cluster named "ghost".',
    ]);
  });
});
