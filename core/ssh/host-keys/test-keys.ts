/**
 * Test helper: real host keys made by the real `ssh-keygen` in a throwaway folder, so the
 * host-key tests compare against what OpenSSH itself produces, not against our own idea of it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestKey {
  type: string;
  /** Path of the `.pub` file. */
  pubFile: string;
  /** The `.pub` line's algorithm field, e.g. `ssh-ed25519`. */
  algorithm: string;
  /** The base64 field of the `.pub` line. */
  base64: string;
  /** The decoded wire-format blob, what a server presents. */
  blob: Buffer;
}

export function makeKey(
  dir: string,
  type: 'ed25519' | 'rsa' | 'ecdsa',
  name: string = type,
): TestKey {
  const file = path.join(dir, `${name}_key`);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', type, ...bits, '-N', '', '-C', `test-${name}`, '-f', file],
    { stdio: 'ignore' },
  );
  const [algorithm = '', base64 = ''] = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  return { type, pubFile: `${file}.pub`, algorithm, base64, blob: Buffer.from(base64, 'base64') };
}

/** The `SHA256:...` field of `ssh-keygen -lf <file>`. */
export function sshKeygenFingerprint(pubFile: string): string {
  const out = execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' });
  const fp = out.split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${out}`);
  return fp;
}
