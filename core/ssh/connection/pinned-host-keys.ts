/**
 * A HostKeyVerifier that trusts exactly the fingerprints it was given, per host:port — for keys
 * learnt out of band (a provisioning system printed them, the testbed's JSON lists them).
 * Anything else is `unknown` (host not listed) or `changed` (listed with other fingerprints).
 * Raydeck's known_hosts store is the everyday verifier; this one never writes anything.
 */
import { createHash } from 'node:crypto';
import type { HostKeyVerdict, HostKeyVerifier } from '../types';

export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function algorithmOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length <= 64 && 4 + length <= keyBlob.length
    ? keyBlob.subarray(4, 4 + length).toString('latin1')
    : 'unknown';
}

export class PinnedHostKeys implements HostKeyVerifier {
  private readonly pins = new Map<string, Set<string>>();
  /** Every check made, in order (for audits and tests). */
  readonly checks: { host: string; port: number; verdict: HostKeyVerdict['kind'] }[] = [];

  constructor(
    pins: { host: string; port: number; fingerprints: string[] }[],
    private readonly source = 'pinned fingerprints',
  ) {
    for (const pin of pins) this.pins.set(`${pin.host}:${pin.port}`, new Set(pin.fingerprints));
  }

  check(host: string, port: number, key: Buffer): HostKeyVerdict {
    const fingerprint = sha256Fingerprint(key);
    const algorithm = algorithmOf(key);
    const known = this.pins.get(`${host}:${port}`);
    const verdict: HostKeyVerdict = !known
      ? { kind: 'unknown', algorithm, fingerprint }
      : known.has(fingerprint)
        ? { kind: 'trusted', algorithm, fingerprint, source: this.source }
        : {
            kind: 'changed',
            algorithm,
            fingerprint,
            known: [...known].map((f) => ({ fingerprint: f, source: this.source })),
          };
    this.checks.push({ host, port, verdict: verdict.kind });
    return verdict;
  }

  async trust(host: string, port: number, key: Buffer): Promise<void> {
    const id = `${host}:${port}`;
    this.pins.set(id, new Set([...(this.pins.get(id) ?? []), sha256Fingerprint(key)]));
  }
}
