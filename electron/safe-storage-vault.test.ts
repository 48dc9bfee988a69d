/** The desktop vault with a stand-in for safeStorage: encrypted at rest, refuses without real encryption. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../core/testing/temp-home';
import { SecretStore } from '../core/secrets/secret-store';
import { SafeStorageVault } from './safe-storage-vault';

const newHome = useTempHomes();

/** XOR "encryption": enough to prove the file never holds the plain text. */
function fakeSafeStorage(available = true, backend = 'gnome_libsecret') {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
  };
}

const file = () => path.join(newHome(), 'secrets.enc');

describe('SafeStorageVault', () => {
  it('stores remembered secrets encrypted and reads them back', async () => {
    const f = file();
    await new SecretStore(new SafeStorageVault(f, fakeSafeStorage(), 'linux')).set(
      'n1',
      'hunter2',
      true,
    );
    expect(fs.readFileSync(f, 'utf8')).not.toContain('hunter2');
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(
      await new SecretStore(new SafeStorageVault(f, fakeSafeStorage(), 'linux')).get('n1'),
    ).toBe('hunter2');
  });

  it('refuses to remember when the OS has no real encryption (Linux basic_text)', async () => {
    const f = file();
    const store = new SecretStore(
      new SafeStorageVault(f, fakeSafeStorage(true, 'basic_text'), 'linux'),
    );
    await expect(store.set('n1', 'x', true)).rejects.toThrow(/no encrypted storage/);
    expect(fs.existsSync(f)).toBe(false);
  });

  it('names the platform store', () => {
    expect(new SafeStorageVault('f', fakeSafeStorage(), 'darwin').where).toBe('the macOS Keychain');
  });
});
