/**
 * `raydeck node connect|trust` against in-process sshd stand-ins (a jump host and a node behind
 * it): an unknown key shows its fingerprint and the trust command, trust takes only the exact
 * fingerprint, a node behind a jump host is trusted hop by hop, then both connect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../cli-test-kit';
import { startSshNode, writeClientKey, type TestSshNode } from '../../testing/ssh-node';

let h: CliHarness;
let gate: TestSshNode;
let gpu: TestSshNode;

beforeAll(async () => {
  h = cliHarness();
  gate = await startSshNode();
  gpu = await startSshNode();
  const key = writeClientKey(h.home);
  await h.run(['cluster', 'create', 'lab']);
  const add = (name: string, port: number, more: string[]) =>
    h.run([
      'node',
      'add',
      'lab',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--user',
      'ml',
      '--key',
      key,
      '--name',
      name,
      ...more,
    ]);
  expect((await add('gate', gate.port, ['--role', 'jump'])).code).toBe(0);
  expect((await add('gpu1', gpu.port, ['--role', 'head', '--jump', 'gate'])).code).toBe(0);
});
afterAll(async () => {
  await gate?.close();
  await gpu?.close();
  h?.cleanup();
});

describe('raydeck node connect / trust', () => {
  it('connect refuses unknown host keys, shows the fingerprint and the trust command; exit 1 with one line', async () => {
    const res = await h.run(['node', 'connect', 'lab']);
    expect(res.code).toBe(1);
    expect(res.out[0]).toMatch(/^NODE\s+STATE\s+DETAIL$/);
    expect(res.out[1]).toMatch(
      new RegExp(
        `^gate\\s+failed \\(host-key-unknown\\)\\s+The host key of 127\\.0\\.0\\.1:${gate.port} is not known yet \\(${escape(gate.fingerprint)}\\)\\.$`,
      ),
    );
    expect(res.out[2]).toMatch(/^gpu1\s+failed \(jump\)/);
    expect(res.out).toContain(
      `gate: trust it: raydeck node trust lab gate --fingerprint ${gate.fingerprint}`,
    );
    expect(res.err).toEqual([
      'raydeck: 2 of 2 nodes are not connected: gate (host-key-unknown), gpu1 (jump)',
    ]);
    const json = JSON.parse(
      (await h.run(['node', 'connect', 'lab', 'gate', '--json'])).out.join('\n'),
    );
    expect(json).toEqual([
      {
        id: expect.any(String),
        name: 'gate',
        host: '127.0.0.1',
        port: gate.port,
        connection: expect.objectContaining({
          state: 'failed',
          failure: 'host-key-unknown',
          presented: { algorithm: 'ssh-ed25519', fingerprint: gate.fingerprint },
        }),
      },
    ]);
  });

  it('trust without --fingerprint prints what the node presents and how to trust it; nothing is trusted', async () => {
    const res = await h.run(['node', 'trust', 'lab', 'gate']);
    expect(res.code).toBe(1);
    expect(res.out).toEqual([
      `gate (127.0.0.1:${gate.port}) presents ssh-ed25519 ${gate.fingerprint}: unknown`,
      `To trust it, check the fingerprint out of band, then: raydeck node trust lab gate --fingerprint ${gate.fingerprint}`,
    ]);
    expect(res.err).toEqual([
      `raydeck: no --fingerprint given; nothing was trusted (gate presents ${gate.fingerprint})`,
    ]);
    // A node behind an untrusted jump host cannot even be probed: trust hop by hop.
    for (const fp of [[], ['--fingerprint', gpu.fingerprint]]) {
      expect(await h.run(['node', 'trust', 'lab', 'gpu1', ...fp])).toEqual({
        code: 1,
        out: [],
        err: [
          `raydeck: gpu1 is reached through gate, whose host key is unknown: trust gate first (raydeck node trust lab gate --fingerprint ${gate.fingerprint})`,
        ],
      });
    }
  });

  it('trust refuses any other fingerprint, naming the one presented; a malformed one is a field error', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const res = await h.run(['node', 'trust', 'lab', 'gate', '--fingerprint', wrong]);
    expect(res).toEqual({
      code: 1,
      out: [],
      err: [
        `raydeck: gate presents ${gate.fingerprint}, not ${wrong}. Nothing was trusted; check the fingerprint with the machine's owner.`,
      ],
    });
    const bad = await h.run(['node', 'trust', 'lab', 'gate', '--fingerprint', 'abc']);
    expect(bad).toEqual({
      code: 1,
      out: [],
      err: [
        'raydeck: Invalid input for nodes.trust: fingerprint: must look like SHA256: followed by 43 base64 characters',
      ],
    });
    expect((await h.run(['node', 'trust', 'lab', 'gate', '--fingerprint'])).code).toBe(2);
    expect((await h.run(['node', 'trust', 'lab', 'nope', '--fingerprint', wrong])).err).toEqual([
      'raydeck: No node named "nope" in this cluster.',
    ]);
    expect((await h.run(['node', 'trust', 'ghost', 'gate'])).err).toEqual([
      'raydeck: No cluster named "ghost".',
    ]);
  });

  it('trusts the jump host, then the node behind it; both connect', async () => {
    expect(
      await h.run(['node', 'trust', 'lab', 'gate', '--fingerprint', gate.fingerprint]),
    ).toEqual({
      code: 0,
      out: [`Trusted gate (127.0.0.1:${gate.port}): ssh-ed25519 ${gate.fingerprint}`],
      err: [],
    });
    expect(await h.run(['node', 'trust', 'lab', 'gate'])).toMatchObject({ code: 0, err: [] });
    const behind = await h.run(['node', 'connect', 'lab', 'gpu1']);
    expect(behind.code).toBe(1);
    expect(behind.out).toContain(
      `gpu1: trust it: raydeck node trust lab gpu1 --fingerprint ${gpu.fingerprint}`,
    );
    expect(behind.err).toEqual(['raydeck: gpu1 (host-key-unknown) is not connected']);
    const trusted = await h.run([
      'node',
      'trust',
      'lab',
      'gpu1',
      '--fingerprint',
      gpu.fingerprint,
      '--json',
    ]);
    expect(trusted.code).toBe(0);
    expect(JSON.parse(trusted.out.join('\n'))).toMatchObject({
      status: 'trusted',
      fingerprint: gpu.fingerprint,
      port: gpu.port,
    });
    const forwardsBefore = gate.forwards;
    const all = await h.run(['node', 'connect', 'lab', '--json']);
    expect(all.err).toEqual([]);
    expect(all.code).toBe(0);
    expect(
      JSON.parse(all.out.join('\n')).map((n: { name: string; connection: { state: string } }) => [
        n.name,
        n.connection.state,
      ]),
    ).toEqual([
      ['gate', 'ready'],
      ['gpu1', 'ready'],
    ]);
    expect(gate.forwards).toBeGreaterThan(forwardsBefore);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
