import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared';
import { makeTempHome } from '../testing/temp-home';
import { resolveTarget } from './ssh-target';

const homes: { home: string; cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

function node(id: string, extra: Partial<ClusterNode>): ClusterNode {
  return {
    id,
    clusterId: 'c',
    name: id,
    host: `${id}.lab`,
    port: 22,
    user: 'u',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role: 'worker',
    hasSecret: false,
    vouchedFingerprints: [],
    createdAt: '',
    ...extra,
  };
}

function deps(
  nodes: ClusterNode[],
  secrets: Record<string, string> = {},
  env: NodeJS.ProcessEnv = { SSH_AUTH_SOCK: '/run/agent' },
) {
  const h = makeTempHome();
  homes.push(h);
  return {
    home: h.home,
    deps: {
      getNode: async (id: string) => nodes.find((n) => n.id === id)!,
      getSecret: async (id: string) => secrets[id],
      env,
      homedir: h.home,
    },
  };
}

describe('resolveTarget', () => {
  it('builds the jump chain hop by hop', async () => {
    const { deps: d } = deps([
      node('bastion', {}),
      node('gpu', { jumpNodeId: 'bastion', port: 2222 }),
    ]);
    const t = await resolveTarget('gpu', d);
    expect(t).toMatchObject({
      host: 'gpu.lab',
      port: 2222,
      auth: { kind: 'agent', socket: '/run/agent' },
      jump: { host: 'bastion.lab', port: 22 },
    });
    expect(t.jump!.jump).toBeUndefined();
  });

  it('reads key files (with ~), asks for a passphrase when encrypted, and names a missing file', async () => {
    const { deps: d, home } = deps([
      node('a', { auth: { kind: 'key', identityFile: '~/.ssh/enc' } }),
      node('b', { auth: { kind: 'key', identityFile: '~/nope' } }),
    ]);
    fs.mkdirSync(path.join(home, '.ssh'));
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      'pw',
      '-f',
      path.join(home, '.ssh', 'enc'),
    ]);
    await expect(resolveTarget('a', d)).rejects.toMatchObject({
      failure: 'secret-needed',
      message: expect.stringContaining('is encrypted'),
    });
    await expect(resolveTarget('b', d)).rejects.toMatchObject({
      failure: 'auth',
      message: expect.stringContaining('does not exist'),
    });
    const withPass = { ...d, getSecret: async () => 'pw' };
    expect(await resolveTarget('a', withPass)).toMatchObject({
      auth: { kind: 'key', passphrase: 'pw' },
    });
    const wrong = { ...d, getSecret: async () => 'nope' };
    await expect(resolveTarget('a', wrong)).rejects.toMatchObject({
      failure: 'secret-needed',
      message: expect.stringContaining('wrong'),
    });
  });

  it('needs a password for password auth and an agent for agent auth', async () => {
    const { deps: d } = deps([node('p', { auth: { kind: 'password' } }), node('g', {})], {}, {});
    await expect(resolveTarget('p', d)).rejects.toMatchObject({ failure: 'secret-needed' });
    await expect(resolveTarget('g', d)).rejects.toMatchObject({
      failure: 'auth',
      message: expect.stringContaining('SSH_AUTH_SOCK'),
    });
    expect(await resolveTarget('p', { ...d, getSecret: async () => 's3cret' })).toMatchObject({
      auth: { kind: 'password', password: 's3cret' },
    });
  });
});
