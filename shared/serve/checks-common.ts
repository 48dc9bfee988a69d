/**
 * Format rules Ray 2.60 applies to single values in several places: import paths
 * (ServeApplicationSchema.import_path_format_valid), route prefixes (_route_prefix_format, which
 * Ray 2.60 applies only to its own output, so a bad prefix in a config is accepted and breaks
 * routing later), runtime_env URIs (ray/_common/runtime_env_uri.py parse_uri) and label selectors
 * (ray/_private/label_utils.py). Facts from Ray's source; the code is ours.
 */
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { isPlainObject } from './key-catalog';

/** Ray's message for a bad import path, or null. Never imports anything. */
export function importPathProblem(v: string): string | null {
  if (v.includes(':')) {
    if (v.split(':').length > 2) return `"${v}" has more than one colon`;
    if (v.startsWith(':') || v.endsWith(':')) return `"${v}" starts or ends with a colon`;
    const [module, attr] = v.split(':') as [string, string];
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(module))
      return `the module "${module}" is not a dotted Python module name`;
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(attr))
      return `the attribute "${attr}" is not a Python name`;
    return null;
  }
  if (!v.includes('.')) return `"${v}" has neither a colon nor a dot between module and attribute`;
  if (v.startsWith('.') || v.endsWith('.')) return `"${v}" starts or ends with a dot`;
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(v)) return `"${v}" is not a dotted Python name`;
  return null;
}

export function routePrefixProblem(v: string): string | null {
  if (!v.startsWith('/')) return `route prefix "${v}" does not start with "/"`;
  if (v.length > 1 && v.endsWith('/'))
    return `route prefix "${v}" ends with "/" (only "/" itself may)`;
  if (v.includes('{') || v.includes('}'))
    return `route prefix "${v}" contains "{" or "}" (no wildcards)`;
  return null;
}

const PROTOCOLS = [
  'gcs',
  'conda',
  'pip',
  'uv',
  'http',
  'https',
  's3',
  'gs',
  'azure',
  'abfss',
  'file',
  'local',
];
const ARCHIVES = ['.zip', '.whl', '.jar', '.tar.gz', '.tgz', '.tar'];

/** Why Ray refuses `uri` in working_dir/py_modules of a Serve config, or null. */
export function runtimeEnvUriProblem(uri: string): string | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
  if (!m)
    return `"${uri}" is a local path; a Serve config may only name remote URIs (s3://, gs://, https://, ...) or local:///dir already on every node`;
  const scheme = m[1]!;
  if (!PROTOCOLS.includes(scheme))
    return `"${uri}" has the unsupported protocol "${scheme}" (supported: ${PROTOCOLS.join(', ')})`;
  if (scheme === 'local') {
    const p = uri.slice('local://'.length);
    if (!p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p))
      return `"${uri}": the local:// path must be absolute (local:///path/in/image)`;
    if (ARCHIVES.some((e) => p.toLowerCase().endsWith(e)))
      return `"${uri}": a local:// URI must name a directory, not an archive`;
  }
  return null;
}

export function runtimeEnvProblems(env: unknown, path: ConfigPath): ServeDiagnostic[] {
  if (!isPlainObject(env)) return [];
  const out: ServeDiagnostic[] = [];
  const check = (uri: unknown, at: ConfigPath) => {
    if (typeof uri !== 'string') return;
    const problem = runtimeEnvUriProblem(uri);
    if (problem) {
      out.push({
        severity: 'error',
        code: 'runtime-env-uri',
        path: at,
        message: problem,
        fix: "Ray's dashboard does not upload local folders: package the code as a wheel installed on the nodes, or upload a zip and give its URI",
      });
    }
  };
  check(env.working_dir, [...path, 'working_dir']);
  if (Array.isArray(env.py_modules))
    env.py_modules.forEach((m, i) => check(m, [...path, 'py_modules', i]));
  return out;
}

const LABEL = '[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,61}[a-zA-Z0-9])?';
const LABEL_RE = new RegExp(`^${LABEL}$`);
const PREFIX_RE = new RegExp(`^(${LABEL})?(\\.(${LABEL})?)*$`);
const SELECTOR_RE = new RegExp(`^!?(?:in)?\\(${LABEL}(?:, ?${LABEL})*\\)$|^!?${LABEL}$`);

/** Ray's validate_label_selector, as a message or null. */
export function labelSelectorProblem(selector: unknown): string | null {
  if (!isPlainObject(selector)) return null;
  for (const [key, value] of Object.entries(selector)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : null;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== null && (prefix.length > 253 || !PREFIX_RE.test(prefix)))
      return `invalid label key prefix "${prefix}"`;
    if (name.length > 63 || !LABEL_RE.test(name)) return `invalid label key "${name}"`;
    if (typeof value === 'string' && value !== '' && !SELECTOR_RE.test(value))
      return `invalid label selector value "${value}"`;
  }
  return null;
}
