/**
 * Raydeck's known_hosts written by several processes at once (the CLI and the app, issue 16
 * item 8): every trusted key survives. Each process serialised only its own writes, so two
 * processes reading the same old file could each drop the other's new line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../../testing/temp-home';
import { makeKey } from './test-keys';

const tempDir = useTempHomes();
const root = path.resolve(__dirname, '../../..');

function trustMany(
  file: string,
  keyB64: string,
  prefix: string,
  count: number,
): Promise<number | null> {
  const script = `
    import { HostKeyStore } from './core/ssh/host-keys/host-key-store.ts';
    const store = new HostKeyStore({ userKnownHosts: [], raydeckKnownHosts: ${JSON.stringify(file)} });
    const key = Buffer.from(${JSON.stringify(keyB64)}, 'base64');
    for (let i = 0; i < ${count}; i++) await store.trust('${prefix}-' + i, 22, key);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('HostKeyStore across processes', () => {
  it('keeps every line when 4 processes trust 15 hosts each into the same file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'raydeck', 'known_hosts');
    const key = makeKey(dir, 'ed25519');
    const codes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((p) => trustMany(file, key.base64, `node-${p}`, 15)),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const hosts = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    expect(hosts).toHaveLength(60);
    expect(new Set(hosts).size).toBe(60);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }, 60_000);
});
