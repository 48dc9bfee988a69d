/**
 * What the Serve config validator reports: one `ServeDiagnostic` per finding, an error (Ray
 * would refuse the config, or accept it and fail later, or silently drop a key) or a warning
 * (Ray runs it, but probably not as meant). Each names the field path, the fix, and, once the
 * YAML source is known, the file and line. `code` is the refusal class, stable for tests and UI.
 */

/** A path into the config, e.g. ['applications', 0, 'deployments', 1, 'num_replicas']. */
export type ConfigPath = (string | number)[];

export type ServeDiagnosticCode =
  // errors: what Ray rejects, now or later on the cluster
  | 'yaml-syntax'
  | 'type'
  | 'required'
  | 'range'
  | 'enum'
  | 'replicas-conflict'
  | 'replicas-order'
  | 'route-prefix'
  | 'duplicate-app-name'
  | 'duplicate-route-prefix'
  | 'duplicate-deployment-name'
  | 'import-path'
  | 'runtime-env-uri'
  | 'placement-group'
  | 'gang-scheduling'
  | 'external-scaler'
  | 'label-selector'
  | 'llm-config'
  | 'engine-kwarg'
  // errors: keys Ray drops without a word (or rejects, where its model forbids extras)
  | 'unknown-key'
  | 'renamed-key'
  | 'wrong-level'
  // warnings: Ray runs it, probably not as meant
  | 'deprecated-key'
  | 'fractional-gpu-vllm'
  | 'public-bind'
  | 'gpu-oversubscribed'
  | 'no-applications';

export interface ServeDiagnostic {
  severity: 'error' | 'warning';
  code: ServeDiagnosticCode;
  path: ConfigPath;
  /** What is wrong, in a sentence. */
  message: string;
  /** What to do about it. */
  fix?: string;
  /** For a misspelled, renamed or misplaced key: the known key (or path) it most likely meant. */
  suggestion?: string;
  /** Set once the YAML source is known (1-based). */
  file?: string;
  line?: number;
  column?: number;
}

/** `applications[0].deployments[1].num_replicas` */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out || '(top level)';
}

/** One line, as the CLI and logs print it: `file:line:col: error [code] path: message — fix`. */
export function formatDiagnostic(d: ServeDiagnostic): string {
  const where = d.file
    ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: `
    : d.line
      ? `line ${d.line}: `
      : '';
  return `${where}${d.severity} [${d.code}] ${formatConfigPath(d.path)}: ${d.message}${d.fix ? ` — ${d.fix}` : ''}`;
}

export const hasErrors = (ds: readonly ServeDiagnostic[]): boolean =>
  ds.some((d) => d.severity === 'error');
