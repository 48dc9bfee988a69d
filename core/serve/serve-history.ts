/**
 * A cluster's Serve history on disk: `$RAYDECK_HOME/history/<clusterId>/serve/` holds, per
 * applied config, `vNNNN.yaml` (the exact text sent) and `vNNNN.json` (a ServeHistoryEntry).
 * Numbers are given out, and results changed, under one cross-process lock (`.lock`, see
 * core/storage/file-lock.ts), so the app and the CLI applying at the same time never reuse a
 * number or write over each other's entries. Files are written atomically (temp + rename); the
 * text before its record, so a listed entry always has its text.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RaydeckError, ServeHistoryEntry, type ServeApplyState } from '../../shared';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../storage/atomic-file';
import { withFileLock } from '../storage/file-lock';

export interface NewHistoryEntry {
  text: string;
  by: ServeHistoryEntry['by'];
  rollbackOf?: number | null;
  applications: string[];
  deletes: string[];
  operationId?: string | null;
}

const FILE = /^v(\d{4,})\.json$/;
const pad = (n: number) => String(n).padStart(4, '0');
export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class ServeHistory {
  readonly dir: string;
  private readonly lock: string;

  /** `historyRoot` is statePaths(home).history. */
  constructor(
    historyRoot: string,
    readonly clusterId: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!/^[A-Za-z0-9_.-]+$/.test(clusterId) || clusterId.startsWith('.'))
      throw new RaydeckError({
        code: 'validation',
        message: `Not a cluster id: ${JSON.stringify(clusterId)}`,
      });
    this.dir = path.join(historyRoot, clusterId, 'serve');
    this.lock = path.join(this.dir, '.lock');
  }

  /** Gives the config the next number and stores it (result "applying"). */
  async record(input: NewHistoryEntry): Promise<ServeHistoryEntry> {
    return withFileLock(this.lock, async () => {
      const version = (await this.versions()).reduce((max, v) => Math.max(max, v), 0) + 1;
      const at = this.now().toISOString();
      const entry: ServeHistoryEntry = {
        version,
        appliedAt: at,
        by: input.by,
        sha256: sha256(input.text),
        rollbackOf: input.rollbackOf ?? null,
        applications: input.applications,
        deletes: input.deletes,
        result: { state: 'applying', messages: [], at },
        operationId: input.operationId ?? null,
      };
      await writeFileAtomic(this.textFile(version), input.text);
      await writeJsonAtomic(this.recordFile(version), entry);
      return entry;
    });
  }

  /** Sets how version `version` ended. */
  async setResult(
    version: number,
    state: ServeApplyState,
    messages: string[] = [],
  ): Promise<ServeHistoryEntry> {
    return this.update(version, (e) => ({
      ...e,
      result: { state, messages, at: this.now().toISOString() },
    }));
  }

  /** Names the operation that applies version `version`. */
  async setOperation(version: number, operationId: string): Promise<ServeHistoryEntry> {
    return this.update(version, (e) => ({ ...e, operationId }));
  }

  /** Read-modify-write of one record under the lock. */
  private async update(
    version: number,
    change: (e: ServeHistoryEntry) => ServeHistoryEntry,
  ): Promise<ServeHistoryEntry> {
    return withFileLock(this.lock, async () => {
      const next = change(await this.entry(version));
      await writeJsonAtomic(this.recordFile(version), next);
      return next;
    });
  }

  /** Every entry, newest first. */
  async list(): Promise<ServeHistoryEntry[]> {
    const versions = await this.versions();
    const entries = await Promise.all(versions.map((v) => this.entry(v).catch(() => null)));
    return entries
      .filter((e): e is ServeHistoryEntry => e !== null)
      .sort((a, b) => b.version - a.version);
  }

  async entry(version: number): Promise<ServeHistoryEntry> {
    const entry = await readJsonFile(this.recordFile(version), ServeHistoryEntry.nullable(), null);
    if (!entry)
      throw new RaydeckError({
        code: 'not_found',
        message: `No Serve config v${version} in the history of this cluster.`,
      });
    return entry;
  }

  /** The exact text applied as `version`. */
  async text(version: number): Promise<string> {
    await this.entry(version);
    return fs.readFile(this.textFile(version), 'utf8');
  }

  private async versions(): Promise<number[]> {
    let files: string[];
    try {
      files = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return files.flatMap((f) => {
      const m = FILE.exec(f);
      return m ? [Number(m[1])] : [];
    });
  }

  private textFile(version: number) {
    return path.join(this.dir, `v${pad(version)}.yaml`);
  }

  private recordFile(version: number) {
    return path.join(this.dir, `v${pad(version)}.json`);
  }
}
