/**
 * Secrets out of what Serve methods show: the values of `runtime_env.env_vars` (HF_TOKEN and
 * the like), at any depth, become "<redacted>" with their keys kept — what Ray 2.60's dashboard
 * does for browser requests (dashboard/runtime_env_redaction.py). The core compares and applies
 * the real values; only what goes out to a UI, a log or the CLI is redacted.
 */
import type { ConfigPath } from './diagnostics';
import type { ServeConfigDiff } from './diff';
import type { ServeInstance } from './status';

export const REDACTED = '<redacted>';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value` found at `path`, with every env_vars value under a runtime_env redacted. */
export function redactSecrets(value: unknown, path: ConfigPath = []): unknown {
  const n = path.length;
  if (n >= 2 && path[n - 2] === 'runtime_env' && path[n - 1] === 'env_vars' && isObject(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  }
  if (n >= 3 && path[n - 3] === 'runtime_env' && path[n - 2] === 'env_vars')
    return value === undefined ? undefined : REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, [...path, i]));
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactSecrets(v, [...path, k])]),
    );
  return value;
}

/** Where a config still holds the placeholder (text started from a redacted live config). */
export function findRedacted(value: unknown, path: ConfigPath = []): ConfigPath[] {
  const n = path.length;
  if (n >= 3 && path[n - 3] === 'runtime_env' && path[n - 2] === 'env_vars')
    return value === REDACTED ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findRedacted(v, [...path, i]));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => findRedacted(v, [...path, k]));
  return [];
}

export function redactInstance(instance: ServeInstance): ServeInstance {
  return {
    ...instance,
    applications: instance.applications.map((a) => ({
      ...a,
      deployedConfig:
        a.deployedConfig && (redactSecrets(a.deployedConfig) as Record<string, unknown>),
    })),
  };
}

export function redactDiff(diff: ServeConfigDiff): ServeConfigDiff {
  const fields = <T extends { path: ConfigPath; before: unknown; after: unknown }>(
    list: T[],
  ): T[] =>
    list.map((f) => ({
      ...f,
      before: redactSecrets(f.before, f.path),
      after: redactSecrets(f.after, f.path),
    }));
  return {
    ...diff,
    applications: diff.applications.map((a) => ({
      ...a,
      fields: fields(a.fields),
      deployments: a.deployments.map((d) => ({ ...d, fields: fields(d.fields) })),
    })),
  };
}
