import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../../testing/temp-home';
import { fingerprintOf, keyAlgorithm } from './fingerprint';
import { makeKey, sshKeygenFingerprint } from './test-keys';

const tempDir = useTempHomes();

describe('fingerprintOf', () => {
  it.each(['ed25519', 'rsa', 'ecdsa'] as const)(
    'prints what ssh-keygen -lf prints for a %s key',
    (type) => {
      const key = makeKey(tempDir(), type);
      const fp = fingerprintOf(key.blob);
      expect(fp).toBe(sshKeygenFingerprint(key.pubFile));
      expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    },
  );

  it('differs for two different keys', () => {
    const dir = tempDir();
    expect(fingerprintOf(makeKey(dir, 'ed25519', 'a').blob)).not.toBe(
      fingerprintOf(makeKey(dir, 'ed25519', 'b').blob),
    );
  });
});

describe('keyAlgorithm', () => {
  it.each(['ed25519', 'rsa', 'ecdsa'] as const)(
    'reads the algorithm name of a %s key from its blob',
    (type) => {
      const key = makeKey(tempDir(), type);
      expect(keyAlgorithm(key.blob)).toBe(key.algorithm);
    },
  );

  it('refuses bytes that are not a key blob', () => {
    expect(() => keyAlgorithm(Buffer.from([0, 0]))).toThrow(/shorter/);
    expect(() => keyAlgorithm(Buffer.from([0, 0, 0, 200, 1, 2]))).toThrow(/length/);
    expect(() => keyAlgorithm(Buffer.from([0, 0, 0, 2, 0x0a, 0x20]))).toThrow(/printable/);
  });
});
