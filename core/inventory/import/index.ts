/** The public door of host importers: `~/.ssh/config` and the testbed's JSON. */
export type { ImportedHost, ImportedJump, RejectedHost } from './imported-host';
export {
  importSshConfig,
  type SshConfigImport,
  type SshConfigImportOptions,
} from './ssh-config-import';
export {
  importTestbed,
  TestbedImportError,
  type TestbedHost,
  type TestbedImport,
} from './testbed-import';
export { SshConfigError, SshConfigIncludeError } from './ssh-config-include';
export { ConfigFileError, readConfigFile } from './config-files';
