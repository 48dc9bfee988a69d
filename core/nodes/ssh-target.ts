/**
 * Turns an inventory node into an `SshTarget` ready to connect: credentials resolved (agent
 * socket, key file read and unlocked, password from the secret store) and the jump chain built
 * from the node's jump host, hop by hop. Problems come back as `TargetProblem`s the UI can act
 * on ("password needed", "key file missing"), never as a half-built target.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ClusterNode, ConnectionFailure } from '../../shared';
import type { ResolvedAuth, SshTarget } from '../ssh/types';

export class TargetProblem extends Error {
  constructor(
    readonly failure: ConnectionFailure,
    message: string,
    readonly nodeId: string,
  ) {
    super(message);
    this.name = 'TargetProblem';
  }
}

export interface TargetDeps {
  getNode(id: string): Promise<ClusterNode>;
  getSecret(nodeId: string): Promise<string | undefined>;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

export function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

async function resolveAuth(node: ClusterNode, deps: TargetDeps): Promise<ResolvedAuth> {
  const env = deps.env ?? process.env;
  switch (node.auth.kind) {
    case 'agent': {
      const socket = env.SSH_AUTH_SOCK;
      if (!socket)
        throw new TargetProblem(
          'auth',
          `${node.name}: no SSH agent is running for Raydeck ($SSH_AUTH_SOCK is not set). Use a key file instead, or start Raydeck from a shell with an agent.`,
          node.id,
        );
      return { kind: 'agent', socket };
    }
    case 'key': {
      const file = expandHome(node.auth.identityFile, deps.homedir ?? os.homedir());
      let privateKey: Buffer;
      try {
        privateKey = await fs.readFile(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new TargetProblem(
          'auth',
          `${node.name}: cannot read the key file ${file} (${code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : String(code)}).`,
          node.id,
        );
      }
      const passphrase = await deps.getSecret(node.id);
      // ssh2 is CommonJS: Node's ESM loader does not see `utils` as a named export.
      const parsed = ssh2.utils.parseKey(privateKey, passphrase);
      if (parsed instanceof Error) {
        if (
          /passphrase/i.test(parsed.message) ||
          /decrypt/i.test(parsed.message) ||
          /bad/i.test(parsed.message)
        ) {
          throw new TargetProblem(
            'secret-needed',
            passphrase
              ? `${node.name}: the passphrase for ${file} is wrong.`
              : `${node.name}: the key ${file} is encrypted; give its passphrase.`,
            node.id,
          );
        }
        throw new TargetProblem(
          'auth',
          `${node.name}: ${file} is not a private key Raydeck can read (${parsed.message}).`,
          node.id,
        );
      }
      return passphrase ? { kind: 'key', privateKey, passphrase } : { kind: 'key', privateKey };
    }
    case 'password': {
      const password = await deps.getSecret(node.id);
      if (!password)
        throw new TargetProblem(
          'secret-needed',
          `${node.name}: a password is needed to log in.`,
          node.id,
        );
      return { kind: 'password', password };
    }
  }
}

/** Builds the target for `nodeId`, with its jump chain (at most 8 hops). */
export async function resolveTarget(nodeId: string, deps: TargetDeps): Promise<SshTarget> {
  const chain: ClusterNode[] = [];
  for (let id: string | null = nodeId; id !== null;) {
    if (chain.length >= 8 || chain.some((n) => n.id === id))
      throw new TargetProblem('jump', 'The jump host chain is too long or loops.', nodeId);
    const node: ClusterNode = await deps.getNode(id);
    chain.push(node);
    id = node.jumpNodeId;
  }
  let target: SshTarget | undefined;
  for (const node of chain.reverse()) {
    const hop: SshTarget = {
      host: node.host,
      port: node.port,
      user: node.user,
      auth: await resolveAuth(node, deps),
    };
    if (target) hop.jump = target;
    target = hop;
  }
  return target!;
}
