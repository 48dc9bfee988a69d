/**
 * The inventory on disk: `$RAYDECK_HOME/inventory.json` with clusters and their nodes, shared by
 * every Raydeck process of one user (the app, `raydeck ui`, each CLI command).
 *
 * - Reads come from disk whenever the file changed (checked by inode, size and mtime), so a
 *   long-lived core never serves a copy older than what another process wrote; a change always
 *   reads the file itself.
 * - Each change is one read-modify-write under `inventory.json.lock` (core/storage/file-lock):
 *   re-read, change, atomic write. Two processes never write a stale copy over each other.
 * - `watch()` notices outside writes and tells the listeners, so a running app shows what the
 *   CLI just did. A failed write leaves memory and disk unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Cluster, ClusterModel, ClusterNode } from '../../shared';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-file';
import { withFileLock } from '../storage/file-lock';

const StoredCluster = Cluster.omit({ nodeCount: true }).extend({
  nodeCount: z.number().optional(),
});
export const InventoryData = z.object({
  version: z.literal(1),
  clusters: z.array(StoredCluster),
  nodes: z.array(ClusterNode).default([]),
  models: z.array(ClusterModel).default([]),
});
export type InventoryData = z.infer<typeof InventoryData>;

const EMPTY: InventoryData = { version: 1, clusters: [], nodes: [], models: [] };

/** What identifies one version of the file on disk; '' when it does not exist. */
function stamp(file: string): string {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return '';
  }
}

export class InventoryFile {
  private data: InventoryData | null = null;
  private dataStamp = '';
  /** The data the listeners last heard of (JSON), null before the first read. */
  private announced: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(data: InventoryData) => void>();
  private watcher: fs.FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;

  constructor(private readonly file: string) {}

  get lockFile(): string {
    return `${this.file}.lock`;
  }

  /** The current inventory: the cached copy while the file is unchanged, else read again. */
  async read(): Promise<InventoryData> {
    if (!this.data || stamp(this.file) !== this.dataStamp) return this.load();
    return this.data;
  }

  /**
   * Reads the file now, whatever the cache holds. Whoever reads first sees another process's
   * change (a list, a mutate, the watcher): it tells the listeners then, so no reader can
   * swallow a change the watcher would have announced.
   */
  private async load(): Promise<InventoryData> {
    const before = stamp(this.file);
    const data = await readJsonFile(this.file, InventoryData, structuredClone(EMPTY));
    this.data = data;
    this.dataStamp = before;
    const json = JSON.stringify(data);
    if (this.announced === null) this.announced = json;
    else if (json !== this.announced) this.emit(data);
    return data;
  }

  /** Called after every change, ours or another process's, with the new data. */
  onChange(listener: (data: InventoryData) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies `change` to the newest data on disk under the lock; writes only when it returns
   * without throwing. Changes of this process run one at a time.
   */
  mutate<T>(change: (draft: InventoryData) => T): Promise<T> {
    const run = () =>
      withFileLock(this.lockFile, async () => {
        // Always from disk: a stamp can repeat within the file system's clock tick.
        const draft: InventoryData = structuredClone(await this.load());
        const result = change(draft);
        await writeJsonAtomic(this.file, draft);
        this.data = draft;
        this.dataStamp = stamp(this.file);
        this.emit(draft);
        return result;
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }

  /**
   * Watches the folder for writes by other processes (an atomic write replaces the file, so
   * the folder is watched, not the file) and tells the listeners. Does not keep Node alive.
   */
  watch(): void {
    if (this.watcher) return;
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const name = path.basename(this.file);
    this.watcher = fs.watch(dir, { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.refresh(), 30);
      this.debounce.unref();
    });
    this.watcher.on('error', () => this.unwatch());
  }

  unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce) clearTimeout(this.debounce);
  }

  /** Re-reads after an outside write (load() tells the listeners); a broken file is left for the next read to report. */
  async refresh(): Promise<void> {
    try {
      await this.read();
    } catch {
      // Reported to whoever reads next (readJsonFile names the file and never overwrites it).
    }
  }

  private emit(data: InventoryData): void {
    this.announced = JSON.stringify(data);
    for (const l of this.listeners) l(data);
  }
}
