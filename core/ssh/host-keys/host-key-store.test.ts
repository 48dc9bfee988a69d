import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../../testing/temp-home';
import { fingerprintOf } from './fingerprint';
import { HostKeyStore } from './host-key-store';
import { makeKey, type TestKey } from './test-keys';

const tempDir = useTempHomes();

function setup() {
  const dir = tempDir();
  const userFile = path.join(dir, 'ssh', 'known_hosts');
  const raydeckFile = path.join(dir, 'raydeck', 'known_hosts');
  fs.mkdirSync(path.dirname(userFile));
  const store = new HostKeyStore({
    userKnownHosts: [userFile, path.join(dir, 'ssh', 'missing')],
    raydeckKnownHosts: raydeckFile,
  });
  const key = (name: string, type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519') =>
    makeKey(dir, type, name);
  return { dir, userFile, raydeckFile, store, key };
}

const line = (hosts: string, k: TestKey) => `${hosts} ${k.algorithm} ${k.base64}`;

describe('HostKeyStore.check', () => {
  it('says unknown when no file mentions the host (missing files are fine)', () => {
    const { store, key } = setup();
    const k = key('k');
    expect(store.check('node1', 22, k.blob)).toEqual({
      kind: 'unknown',
      algorithm: 'ssh-ed25519',
      fingerprint: fingerprintOf(k.blob),
    });
  });

  it('trusts a key listed in the user known_hosts, naming file and line', () => {
    const { store, key, userFile } = setup();
    const k = key('k');
    fs.writeFileSync(
      userFile,
      `# mine\n${line('other', key('o'))}\n${line('node1,10.0.0.1', k)}\n`,
    );
    expect(store.check('node1', 22, k.blob)).toMatchObject({
      kind: 'trusted',
      source: `${userFile}:3`,
    });
    expect(store.check('10.0.0.1', 22, k.blob)).toMatchObject({ kind: 'trusted' });
  });

  it('trusts hashed entries written by ssh-keygen -H, including [host]:2222', () => {
    const { store, key, userFile } = setup();
    const k = key('k');
    fs.writeFileSync(userFile, `${line('[node1]:2222', k)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', userFile], { stdio: 'ignore' });
    expect(fs.readFileSync(userFile, 'utf8')).toMatch(/^\|1\|/);
    expect(store.check('node1', 2222, k.blob)).toMatchObject({
      kind: 'trusted',
      source: `${userFile}:1`,
    });
    expect(store.check('node1', 22, k.blob).kind).toBe('unknown');
  });

  it('matches wildcards and honours negation', () => {
    const { store, key, userFile } = setup();
    const k = key('k');
    fs.writeFileSync(userFile, `${line('*.lab,!bad.lab', k)}\n`);
    expect(store.check('gpu1.lab', 22, k.blob).kind).toBe('trusted');
    expect(store.check('bad.lab', 22, k.blob).kind).toBe('unknown');
  });

  it('says changed, with the known fingerprints and where they are, for a different key', () => {
    const { store, key, userFile } = setup();
    const old = key('old');
    const oldRsa = key('oldrsa', 'rsa');
    const now = key('now');
    fs.writeFileSync(userFile, `${line('node1', old)}\n${line('node1', oldRsa)}\n`);
    expect(store.check('node1', 22, now.blob)).toEqual({
      kind: 'changed',
      algorithm: 'ssh-ed25519',
      fingerprint: fingerprintOf(now.blob),
      known: [
        { fingerprint: fingerprintOf(old.blob), source: `${userFile}:1` },
        { fingerprint: fingerprintOf(oldRsa.blob), source: `${userFile}:2` },
      ],
    });
    expect(store.knownAlgorithms('node1', 22)).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });

  it('says changed when only a key of another algorithm is known (no silent downgrade)', () => {
    const { store, key, userFile } = setup();
    fs.writeFileSync(userFile, `${line('node1', key('r', 'rsa'))}\n`);
    expect(store.check('node1', 22, key('e').blob).kind).toBe('changed');
  });

  it('says revoked for an @revoked key even when another line trusts it', () => {
    const { store, key, userFile } = setup();
    const k = key('k');
    fs.writeFileSync(userFile, `${line('node1', k)}\n@revoked * ${k.algorithm} ${k.base64}\n`);
    expect(store.check('node1', 22, k.blob)).toMatchObject({
      kind: 'revoked',
      source: `${userFile}:2`,
    });
  });

  it('never takes a @cert-authority key as the host key', () => {
    const { store, key, userFile } = setup();
    const ca = key('ca');
    fs.writeFileSync(userFile, `@cert-authority node1 ${ca.algorithm} ${ca.base64}\n`);
    expect(store.check('node1', 22, ca.blob).kind).toBe('unknown');
  });

  it('skips a malformed line and still reads the rest', () => {
    const { store, key, userFile } = setup();
    const k = key('k');
    fs.writeFileSync(userFile, `node1 ssh-ed25519 garbage!\n${line('node1', k)}\n`);
    expect(store.check('node1', 22, k.blob)).toMatchObject({
      kind: 'trusted',
      source: `${userFile}:2`,
    });
    expect(store.problems().map((p) => p.source)).toEqual([`${userFile}:1`]);
  });

  it('notices when the user edits known_hosts, even to the same size', () => {
    const { store, key, userFile } = setup();
    const a = key('a');
    const b = key('b');
    fs.writeFileSync(userFile, `${line('node1', a)}\n`);
    expect(store.check('node1', 22, b.blob).kind).toBe('changed');
    fs.writeFileSync(userFile, `${line('node1', b)}\n`);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(userFile, later, later);
    expect(store.check('node1', 22, b.blob).kind).toBe('trusted');
    fs.rmSync(userFile);
    expect(store.check('node1', 22, b.blob).kind).toBe('unknown');
  });
});

describe('HostKeyStore.trust and forget', () => {
  it('trusts a key from then on, in Raydeck’s file with mode 0600', async () => {
    const { store, key, raydeckFile } = setup();
    const k = key('k');
    await store.trust('198.51.100.10', 2222, k.blob);
    expect(store.check('198.51.100.10', 2222, k.blob)).toMatchObject({
      kind: 'trusted',
      source: `${raydeckFile}:1`,
    });
    expect(fs.readFileSync(raydeckFile, 'utf8')).toBe(
      `[198.51.100.10]:2222 ${k.algorithm} ${k.base64}\n`,
    );
    expect(fs.statSync(raydeckFile).mode & 0o777).toBe(0o600);
  });

  it('replaces its own entry when the user accepts a changed key, keeping other lines', async () => {
    const { store, key, raydeckFile } = setup();
    const old = key('old');
    const now = key('now');
    const other = key('other');
    fs.mkdirSync(path.dirname(raydeckFile), { recursive: true });
    fs.writeFileSync(
      raydeckFile,
      `# hand-written note\n${line('node1', old)}\n${line('node2', other)}\n`,
    );
    expect(store.check('node1', 22, now.blob).kind).toBe('changed');
    await store.trust('node1', 22, now.blob);
    expect(store.check('node1', 22, now.blob).kind).toBe('trusted');
    expect(store.check('node1', 22, old.blob).kind).toBe('changed');
    expect(store.check('node2', 22, other.blob).kind).toBe('trusted');
    expect(fs.readFileSync(raydeckFile, 'utf8')).toBe(
      `# hand-written note\n${line('node2', other)}\n${line('node1', now)}\n`,
    );
  });

  it('never writes the user’s known_hosts, even when its entry is the changed one', async () => {
    const { store, key, userFile } = setup();
    const old = key('old');
    const now = key('now');
    fs.writeFileSync(userFile, `${line('node1', old)}\n`);
    const before = fs.statSync(userFile);
    await store.trust('node1', 22, now.blob);
    await store.forget('node1', 22);
    expect(fs.readFileSync(userFile, 'utf8')).toBe(`${line('node1', old)}\n`);
    expect(fs.statSync(userFile).mtimeMs).toBe(before.mtimeMs);
    expect(store.check('node1', 22, now.blob).kind).toBe('changed');
  });

  it('refuses to trust a revoked key', async () => {
    const { store, key, userFile, raydeckFile } = setup();
    const k = key('k');
    fs.writeFileSync(userFile, `@revoked node1 ${k.algorithm} ${k.base64}\n`);
    await expect(store.trust('node1', 22, k.blob)).rejects.toThrow(/revoked/);
    expect(fs.existsSync(raydeckFile)).toBe(false);
  });

  it('rejects (never writes) a host name that would corrupt the file', async () => {
    const { store, key, raydeckFile } = setup();
    await expect(store.trust('node1 *', 22, key('k').blob)).rejects.toThrow(/cannot write/);
    expect(fs.existsSync(raydeckFile)).toBe(false);
  });

  it('keeps both entries when two hosts are trusted at the same time', async () => {
    const { store, key } = setup();
    const a = key('a');
    const b = key('b');
    await Promise.all([store.trust('node1', 22, a.blob), store.trust('node2', 22, b.blob)]);
    expect(store.check('node1', 22, a.blob).kind).toBe('trusted');
    expect(store.check('node2', 22, b.blob).kind).toBe('trusted');
  });

  it('forgets a host so the next connect asks again', async () => {
    const { store, key } = setup();
    const k = key('k');
    await store.trust('node1', 2222, k.blob);
    await store.trust('node1', 22, k.blob);
    await store.forget('node1', 2222);
    expect(store.check('node1', 2222, k.blob).kind).toBe('unknown');
    expect(store.check('node1', 22, k.blob).kind).toBe('trusted');
  });
});
