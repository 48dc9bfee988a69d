/**
 * OpenSSH known_hosts files: parsing, host matching and writing, as described in sshd(8)
 * "SSH_KNOWN_HOSTS FILE FORMAT". Pure functions on text; reading files and deciding verdicts is
 * host-key-store.ts's job.
 *
 * - `@revoked` and `@cert-authority` markers are kept; a cert-authority line is never a host key.
 * - Host fields are comma-separated patterns (`*`, `?`, `!negation`) or one hashed `|1|salt|hash`
 *   entry; hosts on a port other than 22 are written and matched as `[host]:port`.
 * - Host names compare case-insensitively (ssh lowercases the name it looks up).
 * - A line that cannot be understood is reported in `skipped` with its `file:line`, never fatal.
 *
 * Raydeck writes plain (unhashed) entries to its own file: that file lives in $RAYDECK_HOME next
 * to the inventory, which names the same hosts in plain text, so hashing would hide nothing while
 * making the file unreadable for the user who wants to check what Raydeck trusts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyAlgorithm } from './fingerprint';

export type KnownHostMarker = 'revoked' | 'cert-authority';

/** The host field of a line: a list of patterns, or one hashed name. */
export type KnownHostNames =
  { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostEntry {
  /** `file:line` for messages, e.g. `/home/me/.ssh/known_hosts:12`. */
  source: string;
  line: number;
  marker: KnownHostMarker | null;
  names: KnownHostNames;
  /** The key type field, e.g. `ssh-ed25519` (always equal to the blob's own algorithm). */
  algorithm: string;
  /** The raw public key blob (ssh wire format). */
  key: Buffer;
}

export interface SkippedLine {
  source: string;
  reason: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  skipped: SkippedLine[];
}

/** The name ssh looks up for host:port: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** Parses known_hosts text; `file` names the source in `source` fields. */
export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const skipped: SkippedLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const source = `${file}:${line}`;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseLine(trimmed);
    if (typeof parsed === 'string') skipped.push({ source, reason: parsed });
    else entries.push({ source, line, ...parsed });
  });
  return { entries, skipped };
}

type LineFields = Omit<KnownHostEntry, 'source' | 'line'>;

/** One non-comment line; a string is the reason it was not understood. */
function parseLine(text: string): LineFields | string {
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostMarker | null = null;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift();
    if (word === '@revoked') marker = 'revoked';
    else if (word === '@cert-authority') marker = 'cert-authority';
    else return `unknown marker ${word}`;
  }
  const [hostField, algorithm, base64] = fields;
  if (!hostField || !algorithm || !base64) return 'expected "hosts key-type base64-key"';
  const names = parseNames(hostField);
  if (typeof names === 'string') return names;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return 'the key is not base64';
  const key = Buffer.from(base64, 'base64');
  let blobAlgorithm: string;
  try {
    blobAlgorithm = keyAlgorithm(key);
  } catch (err) {
    return (err as Error).message;
  }
  if (blobAlgorithm !== algorithm)
    return `key type ${algorithm} does not match the key (${blobAlgorithm})`;
  return { marker, names, algorithm, key };
}

function parseNames(field: string): KnownHostNames | string {
  if (field.startsWith('|')) {
    const parts = field.split('|');
    // '|1|salt|hash' splits into ['', '1', salt, hash]
    if (parts.length !== 4 || parts[1] !== '1')
      return 'unsupported hashed host format (expected |1|salt|hash)';
    const salt = Buffer.from(parts[2] ?? '', 'base64');
    const hash = Buffer.from(parts[3] ?? '', 'base64');
    if (salt.length !== 20 || hash.length !== 20)
      return 'hashed host has a bad salt or hash length';
    return { kind: 'hashed', salt, hash };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  if (patterns.length === 0) return 'empty host pattern list';
  return { kind: 'patterns', patterns };
}

/** ssh's wildcard match: `*` any run of characters, `?` exactly one; case-insensitive. */
export function matchPattern(name: string, pattern: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name.toLowerCase());
}

/**
 * Whether a pattern list matches `name` (already in `knownHostName` form): at least one
 * positive pattern matches and no negated one does (a negated match vetoes the whole line).
 */
export function matchPatternList(name: string, patterns: string[]): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchPattern(name, p.slice(1))) return false;
    } else if (matchPattern(name, p)) {
      positive = true;
    }
  }
  return positive;
}

/** HMAC-SHA1 of the name keyed by the salt, as ssh-keygen -H writes it. */
export function hashHostName(name: string, salt: Buffer): Buffer {
  return createHmac('sha1', salt).update(name).digest();
}

/** Whether the line's host field applies to host:port (whatever its marker). */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host, port);
  if (entry.names.kind === 'hashed') {
    const hash = hashHostName(name, entry.names.salt);
    return hash.length === entry.names.hash.length && timingSafeEqual(hash, entry.names.hash);
  }
  return matchPatternList(name, entry.names.patterns);
}

/**
 * Whether the line names exactly this host:port and nothing else (a single literal pattern or a
 * hashed entry for it): such lines are the ones "trust again" may replace; wildcard lines are
 * the user's own and stay.
 */
export function entryIsExactlyFor(entry: KnownHostEntry, host: string, port: number): boolean {
  if (entry.names.kind === 'hashed') return entryMatches(entry, host, port);
  const [only, ...rest] = entry.names.patterns;
  return (
    rest.length === 0 && only !== undefined && only.toLowerCase() === knownHostName(host, port)
  );
}

/** A plain known_hosts line for host:port (no marker, no comment), without the newline. */
export function formatKnownHostsLine(host: string, port: number, key: Buffer): string {
  // Anything else (spaces, commas, wildcards, '|', '#') would change what the line means.
  if (!/^[A-Za-z0-9_.:%-]+$/.test(host))
    throw new Error(`cannot write a known_hosts entry for host ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`cannot write a known_hosts entry for port ${port}`);
  return `${knownHostName(host, port)} ${keyAlgorithm(key)} ${key.toString('base64')}`;
}
