/**
 * Host key fingerprints as users see them: `SHA256:<base64 without padding>` of the raw public
 * key blob, exactly what `ssh-keygen -lf` and ssh's own prompts print, so a fingerprint shown
 * in Raydeck can be compared by eye with one read on the server's console.
 */
import { createHash } from 'node:crypto';

/** `SHA256:` + unpadded base64 of sha256(blob); `blob` is the ssh wire-format public key. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The key's algorithm name (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, ...): the first
 * ssh wire string of the blob (uint32 big-endian length, then that many bytes).
 * Throws when the blob is too short or the name is not printable ASCII.
 */
export function keyAlgorithm(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('not an SSH public key: shorter than 4 bytes');
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) {
    throw new Error('not an SSH public key: bad algorithm name length');
  }
  const name = keyBlob.subarray(4, 4 + length).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(name))
    throw new Error('not an SSH public key: algorithm name is not printable');
  return name;
}
