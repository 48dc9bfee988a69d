/**
 * Raydeck's answer to "is this the server I think it is?": checks a presented host key against
 * the user's own known_hosts files (read-only) and Raydeck's known_hosts in $RAYDECK_HOME
 * (read-write), and records keys the user accepted. Never accepts a key by itself.
 *
 * Verdicts, in this order:
 * 1. `revoked`: an `@revoked` line matching host:port carries this key;
 * 2. `trusted`: any plain (unmarked) line matching host:port carries this key;
 * 3. `changed`: lines for host:port exist but none carries this key. This includes a key of a
 *    *different* algorithm: OpenSSH only warns in that case, but a man in the middle can pick
 *    an algorithm the client has never seen, so Raydeck stops. `knownAlgorithms()` lets the
 *    connection prefer the algorithms already known (as OpenSSH orders its HostKeyAlgorithms),
 *    so an honest server is asked for the key type we have;
 * 4. `unknown`: nothing is known for host:port (first contact, TOFU).
 * `@cert-authority` lines are kept by the parser but never match a host key here.
 *
 * Files are re-read when their mtime, size or inode changes (an edit by the user is noticed on
 * the next check); a missing file is an empty one; a malformed line is skipped (see `problems()`).
 * Writes to Raydeck's file hold `known_hosts.lock` across their read-modify-write.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { writeFileAtomic } from '../../storage/atomic-file';
import { withFileLock } from '../../storage/file-lock';
import type { HostKeyVerdict, HostKeyVerifier } from '../types';
import { fingerprintOf, keyAlgorithm } from './fingerprint';
import {
  entryIsExactlyFor,
  entryMatches,
  formatKnownHostsLine,
  parseKnownHosts,
  type KnownHostEntry,
  type ParsedKnownHosts,
  type SkippedLine,
} from './known-hosts';

export interface HostKeyStoreOptions {
  /** The user's known_hosts files, e.g. `~/.ssh/known_hosts`. Read, never written. */
  userKnownHosts: string[];
  /** Raydeck's own file, `$RAYDECK_HOME/known_hosts`: read and written. */
  raydeckKnownHosts: string;
}

interface CachedFile {
  stamp: string;
  parsed: ParsedKnownHosts;
}

const EMPTY: ParsedKnownHosts = { entries: [], skipped: [] };

export class HostKeyStore implements HostKeyVerifier {
  private readonly cache = new Map<string, CachedFile>();
  /** trust/forget run one after another so two accepts never lose each other's line. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HostKeyStoreOptions) {}

  /** What `key` means for host:port. Throws only if `key` is not an SSH public key blob. */
  check(host: string, port: number, key: Buffer): HostKeyVerdict {
    const algorithm = keyAlgorithm(key);
    const fingerprint = fingerprintOf(key);
    const matching = this.entriesFor(host, port);
    const revoked = matching.find((e) => e.marker === 'revoked' && e.key.equals(key));
    if (revoked) return { kind: 'revoked', algorithm, fingerprint, source: revoked.source };
    const hostKeys = matching.filter((e) => e.marker === null);
    const same = hostKeys.find((e) => e.key.equals(key));
    if (same) return { kind: 'trusted', algorithm, fingerprint, source: same.source };
    if (hostKeys.length > 0) {
      return {
        kind: 'changed',
        algorithm,
        fingerprint,
        known: hostKeys.map((e) => ({ fingerprint: fingerprintOf(e.key), source: e.source })),
      };
    }
    return { kind: 'unknown', algorithm, fingerprint };
  }

  /** Algorithms of the keys known for host:port, in file order, without duplicates. */
  knownAlgorithms(host: string, port: number): string[] {
    const algorithms = this.entriesFor(host, port)
      .filter((e) => e.marker === null)
      .map((e) => e.algorithm);
    return [...new Set(algorithms)];
  }

  /**
   * Records `key` for host:port in Raydeck's file, replacing Raydeck's earlier lines for exactly
   * that host:port (so accepting a changed key leaves one entry). Refuses a revoked key.
   */
  async trust(host: string, port: number, key: Buffer): Promise<void> {
    const line = formatKnownHostsLine(host, port, key);
    const verdict = this.check(host, port, key);
    if (verdict.kind === 'revoked') {
      throw new Error(
        `Refusing to trust ${verdict.fingerprint} for ${host}:${port}: it is marked @revoked in ${verdict.source}.`,
      );
    }
    await this.rewrite(host, port, line);
  }

  /** Removes Raydeck's lines for exactly host:port (the user's files are left alone). */
  forget(host: string, port: number): Promise<void> {
    return this.rewrite(host, port, null);
  }

  /** Lines skipped as malformed in any of the files, as `file:line` and why. */
  problems(): SkippedLine[] {
    return this.files().flatMap((file) => this.read(file).skipped);
  }

  private files(): string[] {
    return [...this.options.userKnownHosts, this.options.raydeckKnownHosts];
  }

  private entriesFor(host: string, port: number): KnownHostEntry[] {
    return this.files().flatMap((file) =>
      this.read(file).entries.filter(
        (e) => e.marker !== 'cert-authority' && entryMatches(e, host, port),
      ),
    );
  }

  /** Sync on purpose: `check` answers ssh2's host verifier; a stat per file per connect is cheap. */
  private read(file: string): ParsedKnownHosts {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (err) {
      this.cache.delete(file);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      return {
        entries: [],
        skipped: [{ source: file, reason: `cannot read: ${(err as Error).message}` }],
      };
    }
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const cached = this.cache.get(file);
    if (cached?.stamp === stamp) return cached.parsed;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      return {
        entries: [],
        skipped: [{ source: file, reason: `cannot read: ${(err as Error).message}` }],
      };
    }
    const parsed = parseKnownHosts(text, file);
    this.cache.set(file, { stamp, parsed });
    return parsed;
  }

  private rewrite(host: string, port: number, newLine: string | null): Promise<void> {
    const run = async (): Promise<void> => {
      const file = this.options.raydeckKnownHosts;
      let text = '';
      try {
        text = await fsp.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const drop = new Set(
        parseKnownHosts(text, file)
          .entries.filter((e) => e.marker === null && entryIsExactlyFor(e, host, port))
          .map((e) => e.line),
      );
      if (newLine === null && drop.size === 0) return;
      const kept = text.split(/\r?\n/).filter((_, i) => !drop.has(i + 1));
      while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
      if (newLine !== null) kept.push(newLine);
      await writeFileAtomic(file, kept.length > 0 ? `${kept.join('\n')}\n` : '', 0o600);
      this.cache.delete(file);
    };
    // Serialised in this process (the queue) and across processes (the lock file beside it):
    // the CLI and the app trusting keys at once each read the other's new line (issue 16).
    const result = this.writes.then(() =>
      withFileLock(`${this.options.raydeckKnownHosts}.lock`, run),
    );
    this.writes = result.catch(() => undefined);
    return result;
  }
}
