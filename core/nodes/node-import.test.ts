/** Import over the real core: ssh config with a bastion, testbed JSON, hostile entries, re-import. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared';
import { createCore } from '../api/create-core';
import { useTempHomes } from '../testing/temp-home';
import { createMemoryTransport } from '../transport/memory-transport';

const newHome = useTempHomes();

async function setup() {
  const home = newHome();
  const core = createCore({ home, mode: 'memory' });
  const client = createClient(createMemoryTransport(core.service));
  const lab = await client.call('clusters.create', { name: 'lab' });
  return { home, client, lab };
}

const SSH_CONFIG = `
Host bastion
  HostName 203.0.113.7
  User jump
Host gpu-a gpu-b
  User ubuntu
  ProxyJump bastion
Host gpu-a
  HostName 10.1.0.11
Host gpu-b
  HostName 10.1.0.12
  Port 2222
  IdentityFile ~/.ssh/lab_key
Host evil
  HostName $(touch /tmp/raydeck-pwned)
Host *
  ServerAliveInterval 10
`;

describe('node import', () => {
  it('imports an ssh config with a ProxyJump bastion: bastion as jump host, first node as head', async () => {
    const { client, lab } = await setup();
    const preview = await client.call('nodes.importPreview', {
      clusterId: lab.id,
      source: { kind: 'ssh-config', text: SSH_CONFIG },
    });
    expect(preview.candidates.map((c) => [c.alias, c.problem === null])).toEqual([
      ['bastion', true],
      ['gpu-a', true],
      ['gpu-b', true],
      ['evil', false],
    ]);
    const result = await client.call('nodes.import', {
      clusterId: lab.id,
      source: { kind: 'ssh-config', text: SSH_CONFIG },
    });
    expect(result.skipped.map((s) => s.alias)).toEqual(['evil']);
    const nodes = await client.call('nodes.list', { clusterId: lab.id });
    const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
    expect(byName.bastion).toMatchObject({
      role: 'jump',
      host: '203.0.113.7',
      user: 'jump',
      jumpNodeId: null,
    });
    expect(byName['gpu-a']).toMatchObject({
      role: 'head',
      host: '10.1.0.11',
      user: 'ubuntu',
      jumpNodeId: byName.bastion!.id,
    });
    expect(byName['gpu-b']).toMatchObject({
      role: 'worker',
      port: 2222,
      auth: { kind: 'key' },
      jumpNodeId: byName.bastion!.id,
    });
    expect(fs.existsSync('/tmp/raydeck-pwned')).toBe(false);
    // Importing again adds nothing and says why.
    const again = await client.call('nodes.import', {
      clusterId: lab.id,
      source: { kind: 'ssh-config', text: SSH_CONFIG },
    });
    expect(again.added).toEqual([]);
    expect(again.skipped.find((s) => s.alias === 'gpu-a')?.reason).toMatch(
      /Already in this cluster/,
    );
  });

  it('imports the testbed JSON from a file, keeping the fingerprints it vouches for', async () => {
    const { client, lab, home } = await setup();
    const fp = 'SHA256:' + 'A'.repeat(43);
    const file = path.join(home, 'testbed.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        nodes: [1, 2, 3].map((i) => ({
          name: `node${i}`,
          host: `198.51.100.${9 + i}`,
          port: 22,
          user: 'root',
          identityFile: '/var/lib/raydeck-testbed/client/id_ed25519',
          hostKeyFingerprints: [fp],
          gpus: 2,
        })),
        index: 'http://198.51.100.1:8765/simple',
      }),
    );
    const result = await client.call('nodes.import', {
      clusterId: lab.id,
      source: { kind: 'testbed-file', path: file },
    });
    expect(result.added.map((n) => [n.name, n.role])).toEqual([
      ['node1', 'head'],
      ['node2', 'worker'],
      ['node3', 'worker'],
    ]);
    expect(result.added[0]!.vouchedFingerprints).toEqual([fp]);
  });

  it('explains a broken testbed file and a missing file with field paths', async () => {
    const { client, lab } = await setup();
    await expect(
      client.call('nodes.importPreview', {
        clusterId: lab.id,
        source: { kind: 'testbed', text: '{"nodes":[{"name":"x"}]}' },
      }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      client.call('nodes.importPreview', {
        clusterId: lab.id,
        source: { kind: 'ssh-config-file', path: '/nonexistent/config' },
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: 'source.path', message: 'no such file' }],
    });
  });
});
