/**
 * Node passwords and key passphrases. Always kept in memory for the session; written to a vault
 * only when the user asks to remember one. The desktop app's vault encrypts with the OS keychain
 * (Electron safeStorage); browser mode's vault is a 0600 file, and the UI says so before the user
 * opts in. Secret values never leave the core through the contract.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/atomic-file';
import { withFileLock } from '../storage/file-lock';

export interface SecretVault {
  /** How remembered secrets are kept, for the UI: 'os-encrypted' or 'plain-file'. */
  readonly kind: 'os-encrypted' | 'plain-file';
  /** Where, in words (a path or "the system keychain"). */
  readonly where: string;
  load(): Promise<Record<string, string>>;
  save(all: Record<string, string>): Promise<void>;
}

const VaultFile = z.record(z.string(), z.string());

/** Browser mode's opt-in vault: a JSON file readable only by the user (mode 0600), not encrypted. */
export class PlainFileVault implements SecretVault {
  readonly kind = 'plain-file' as const;
  constructor(readonly where: string) {}

  async load(): Promise<Record<string, string>> {
    try {
      const parsed = VaultFile.safeParse(JSON.parse(await fs.readFile(this.where, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  async save(all: Record<string, string>): Promise<void> {
    if (Object.keys(all).length === 0) await fs.rm(this.where, { force: true });
    else await writeFileAtomic(this.where, JSON.stringify(all), 0o600);
  }
}

/**
 * Remembered secrets are re-read before each change, under `lockFile` when given, so the app and
 * a CLI command that both remember a password never drop each other's.
 */
export class SecretStore {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly vault: SecretVault,
    private readonly lockFile?: string,
  ) {}

  get storage(): { kind: SecretVault['kind']; where: string } {
    return { kind: this.vault.kind, where: this.vault.where };
  }

  async get(nodeId: string): Promise<string | undefined> {
    return this.memory.get(nodeId) ?? (await this.vault.load())[nodeId];
  }

  async has(nodeId: string): Promise<boolean> {
    return (await this.get(nodeId)) !== undefined;
  }

  async set(nodeId: string, value: string, remember: boolean): Promise<void> {
    this.memory.set(nodeId, value);
    await this.change((remembered) => {
      if (remember) remembered[nodeId] = value;
      else if (nodeId in remembered) delete remembered[nodeId];
      else return false;
      return true;
    });
  }

  async delete(nodeId: string): Promise<void> {
    this.memory.delete(nodeId);
    await this.change((remembered) => {
      if (!(nodeId in remembered)) return false;
      delete remembered[nodeId];
      return true;
    });
  }

  /** Read-modify-write of the vault; `edit` returns false when nothing changed. */
  private async change(edit: (remembered: Record<string, string>) => boolean): Promise<void> {
    const run = async () => {
      const remembered = await this.vault.load();
      if (edit(remembered)) await this.vault.save(remembered);
    };
    await (this.lockFile ? withFileLock(this.lockFile, run) : run());
  }
}
