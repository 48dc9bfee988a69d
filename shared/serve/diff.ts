/**
 * The structural diff behind a safe apply: an edited Serve config against what Ray runs, per
 * application and per deployment, field by field with old -> new values. Ray's
 * `PUT /api/serve/applications/` is declarative: every application Ray deployed declaratively and
 * the body leaves out is DELETED (application_state.py `apply_app_configs`), so those are listed
 * apart, in `deletes`, for the UI and the CLI to say loudly. Applications deployed imperatively
 * (serve.run) are not touched by a PUT and are listed as kept. Pure: the live side is the
 * `deployedConfig` Ray reports (the config as sent, without defaults), so a field the edit leaves
 * out that Ray holds shows as removed.
 */
import { z } from 'zod';
import type { ConfigPath } from './diagnostics';
import { ApplicationStatus, type ServeInstance } from './status';
import { DEFAULT_APP_NAME } from './schema-application';

export const FieldChange = z.object({
  /** Relative to the application (or deployment) it belongs to, e.g. ['autoscaling_config', 'max_replicas']. */
  path: z.array(z.union([z.string(), z.number()])),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.unknown(),
  after: z.unknown(),
});
export type FieldChange = z.infer<typeof FieldChange>;

export const DeploymentDiff = z.object({
  name: z.string(),
  change: z.enum(['added', 'removed', 'changed', 'unchanged']),
  fields: z.array(FieldChange),
});
export type DeploymentDiff = z.infer<typeof DeploymentDiff>;

export const ApplicationDiff = z.object({
  name: z.string(),
  /** removed: the PUT deletes it. kept: deployed imperatively, a PUT leaves it. */
  change: z.enum(['added', 'removed', 'changed', 'unchanged', 'kept']),
  /** Ray's status before the apply (null for an added application). */
  liveStatus: ApplicationStatus.nullable(),
  /** Fields of the application itself (not its deployments list). */
  fields: z.array(FieldChange),
  deployments: z.array(DeploymentDiff),
  note: z.string().optional(),
});
export type ApplicationDiff = z.infer<typeof ApplicationDiff>;

export const ServeConfigDiff = z.object({
  applications: z.array(ApplicationDiff),
  /** Names of the applications the PUT will delete. */
  deletes: z.array(z.string()),
  /** Top-level options that differ from what Serve runs with; Ray ignores these while Serve runs. */
  ignoredTopLevel: z.array(FieldChange),
  /** True when applying would change anything Ray acts on. */
  changed: z.boolean(),
});
export type ServeConfigDiff = z.infer<typeof ServeConfigDiff>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

/** Leaf-level changes between two values; mappings and lists are walked, anything else compared whole. */
export function diffValues(
  before: unknown,
  after: unknown,
  path: ConfigPath = [],
  skip: ReadonlySet<string> = new Set(),
): FieldChange[] {
  if (sameValue(before, after)) return [];
  if (before === undefined) return [{ path, kind: 'added', before: undefined, after }];
  if (after === undefined) return [{ path, kind: 'removed', before, after: undefined }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => !(path.length === 0 && skip.has(k)),
    );
    return keys.flatMap((k) => diffValues(before[k], after[k], [...path, k]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) =>
      diffValues(before[i], after[i], [...path, i]),
    ).flat();
  }
  return [{ path, kind: 'changed', before, after }];
}

/** An added or removed mapping, key by key (one line per field instead of one line for all). */
function wholeFields(
  value: Record<string, unknown>,
  kind: 'added' | 'removed',
  skip: ReadonlySet<string> = new Set(),
): FieldChange[] {
  return Object.entries(value)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) =>
      kind === 'added'
        ? { path: [k], kind, before: undefined, after: v }
        : { path: [k], kind, before: v, after: undefined },
    );
}

const deploymentsOf = (
  app: Record<string, unknown> | null,
): Map<string, Record<string, unknown>> => {
  const list = app && Array.isArray(app.deployments) ? app.deployments : [];
  return new Map(list.filter(isObject).map((d) => [String(d.name), d]));
};

function diffDeployments(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): DeploymentDiff[] {
  const b = deploymentsOf(before);
  const a = deploymentsOf(after);
  const out: DeploymentDiff[] = [];
  for (const [name, dep] of a) {
    const old = b.get(name);
    if (!old) out.push({ name, change: 'added', fields: wholeFields(dep, 'added') });
    else {
      const fields = diffValues(old, dep);
      out.push({ name, change: fields.length ? 'changed' : 'unchanged', fields });
    }
  }
  for (const [name, dep] of b)
    if (!a.has(name)) out.push({ name, change: 'removed', fields: wholeFields(dep, 'removed') });
  return out;
}

const APP_SKIP = new Set(['deployments']);
const appName = (app: Record<string, unknown>): string =>
  typeof app.name === 'string' ? app.name : DEFAULT_APP_NAME;

/** Top-level options Serve takes only when it starts (serve_start_async ignores them later). */
const START_ONLY = ['proxy_location', 'http_options', 'grpc_options'] as const;

/** `edited` is the parsed YAML of the config to apply; `live` what `GET /api/serve/applications/` said. */
export function diffServeConfig(edited: unknown, live: ServeInstance): ServeConfigDiff {
  const root = isObject(edited) ? edited : {};
  const editedApps = (Array.isArray(root.applications) ? root.applications : []).filter(isObject);
  const liveApps = new Map(live.applications.map((a) => [a.name, a]));
  const applications: ApplicationDiff[] = [];
  const seen = new Set<string>();
  for (const written of editedApps) {
    const name = appName(written);
    // Ray copies a top-level logging_config into each app that has none, and reports it there
    // (controller.py apply_config): compare with what Ray will hold, not a phantom removal.
    const app =
      written.logging_config == null && root.logging_config != null
        ? { ...written, logging_config: root.logging_config }
        : written;
    seen.add(name);
    const current = liveApps.get(name);
    if (!current) {
      applications.push({
        name,
        change: 'added',
        liveStatus: null,
        fields: wholeFields(app, 'added', APP_SKIP),
        deployments: diffDeployments(null, app),
      });
      continue;
    }
    const before = current.deployedConfig;
    const fields = diffValues(before ?? undefined, app, [], APP_SKIP);
    const deployments = diffDeployments(before, app);
    const changed = fields.length > 0 || deployments.some((d) => d.change !== 'unchanged');
    applications.push({
      name,
      change: changed ? 'changed' : 'unchanged',
      liveStatus: current.status,
      fields,
      deployments,
      ...(before
        ? {}
        : {
            note: 'Ray holds no config for this application (deployed with serve.run): the whole config is new to it',
          }),
    });
  }
  const deletes: string[] = [];
  for (const app of live.applications) {
    if (seen.has(app.name)) continue;
    if (app.source === 'imperative') {
      applications.push({
        name: app.name,
        change: 'kept',
        liveStatus: app.status,
        fields: [],
        deployments: [],
        note: 'deployed with serve.run: a PUT does not delete it',
      });
      continue;
    }
    deletes.push(app.name);
    applications.push({
      name: app.name,
      change: 'removed',
      liveStatus: app.status,
      fields: [],
      deployments: diffDeployments(app.deployedConfig, null),
      note: 'not in the config: the PUT DELETES this application and its replicas',
    });
  }
  const ignoredTopLevel: FieldChange[] = [];
  if (live.serveRunning) {
    for (const key of START_ONLY) {
      const want = root[key];
      if (want === undefined) continue;
      const have =
        key === 'proxy_location'
          ? live.proxyLocation
          : key === 'http_options'
            ? live.httpOptions
            : live.grpcOptions;
      // Ray reports every option with its default: compare only what the edit sets.
      const changes =
        isObject(want) && isObject(have)
          ? Object.keys(want).flatMap((k) => diffValues(have[k], want[k], [key, k]))
          : diffValues(have ?? undefined, want, [key]);
      ignoredTopLevel.push(...changes);
    }
  }
  const changed =
    applications.some(
      (a) => a.change === 'added' || a.change === 'removed' || a.change === 'changed',
    ) || !sameValue(root.target_capacity ?? null, live.targetCapacity);
  return { applications, deletes, ignoredTopLevel, changed };
}
