/** The public door of core/ssh/connection: the pool, its settings, failures and scripts. */
export {
  SshConnectionPool,
  DEFAULT_CONNECTION_SETTINGS,
  type PoolOptions,
  type PooledConnectionInfo,
} from './connection-pool';
export {
  type ConnectionDeps,
  type ConnectionSettings,
  connectionKey,
  hopLabel,
} from './shared-connection';
export {
  ConnectionFailed,
  JumpHostFailed,
  classifyConnectError,
  isHardStop,
} from './connection-failure';
export { RemoteScriptCatalog, scriptJson, shellQuote, defaultScriptsDir } from './remote-scripts';
export { PinnedHostKeys, sha256Fingerprint } from './pinned-host-keys';
export { type BackoffPolicy, DEFAULT_BACKOFF, reconnectDelayMs } from './backoff';
