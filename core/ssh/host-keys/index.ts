/** The public door of host-key handling: fingerprints, known_hosts files and the verifier. */
export { fingerprintOf, keyAlgorithm } from './fingerprint';
export { HostKeyStore, type HostKeyStoreOptions } from './host-key-store';
export {
  formatKnownHostsLine,
  knownHostName,
  parseKnownHosts,
  type KnownHostEntry,
  type ParsedKnownHosts,
  type SkippedLine,
} from './known-hosts';
