/**
 * The desktop app's vault for remembered secrets: values encrypted with Electron's safeStorage
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux) in `$RAYDECK_HOME/secrets.enc` (base64).
 * If the OS offers no encryption (Linux "basic_text" backend), nothing is remembered: the vault
 * refuses rather than pretend.
 */
import fs from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import { writeFileAtomic } from '../core/storage/atomic-file';
import type { SecretVault } from '../core/secrets/secret-store';

type Crypto = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

export class SafeStorageVault implements SecretVault {
  readonly kind = 'os-encrypted' as const;
  readonly where: string;

  constructor(
    private readonly file: string,
    private readonly crypto: Crypto,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.where =
      platform === 'darwin'
        ? 'the macOS Keychain'
        : platform === 'win32'
          ? 'Windows DPAPI'
          : 'the desktop keyring';
  }

  private usable(): boolean {
    if (!this.crypto.isEncryptionAvailable()) return false;
    // On Linux without a keyring Electron falls back to a hard-coded key: that is not encryption.
    return this.crypto.getSelectedStorageBackend?.() !== 'basic_text';
  }

  async load(): Promise<Record<string, string>> {
    if (!this.usable()) return {};
    try {
      const blob = Buffer.from(await fs.readFile(this.file, 'utf8'), 'base64');
      const parsed: unknown = JSON.parse(this.crypto.decryptString(blob));
      if (typeof parsed !== 'object' || parsed === null) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      return {};
    }
  }

  async save(all: Record<string, string>): Promise<void> {
    if (Object.keys(all).length === 0) {
      await fs.rm(this.file, { force: true });
      return;
    }
    if (!this.usable())
      throw new Error(
        'This system offers no encrypted storage for secrets, so Raydeck will not remember them; you will be asked again after a restart.',
      );
    await writeFileAtomic(
      this.file,
      this.crypto.encryptString(JSON.stringify(all)).toString('base64'),
      0o600,
    );
  }
}
