/**
 * The form editor's model: the common fields of each application and deployment read from the
 * YAML text, and edits written back into that text through shared/serve's comment-keeping
 * splices (setInYaml / deleteInYaml), so a form change touches only the line of its field and
 * the YAML stays the one source of truth for both editors.
 */
import { deleteInYaml, parseYaml, setInYaml, type ConfigPath } from '../../../shared';

export interface DeploymentFields {
  index: number;
  name: string;
  /** fixed: num_replicas; auto: autoscaling_config. */
  mode: 'fixed' | 'auto';
  numReplicas: unknown;
  minReplicas: unknown;
  maxReplicas: unknown;
  targetOngoing: unknown;
  maxOngoing: unknown;
  numCpus: unknown;
  numGpus: unknown;
}

export interface ApplicationFields {
  index: number;
  name: unknown;
  routePrefix: unknown;
  importPath: unknown;
  deployments: DeploymentFields[];
}

export type FormModel =
  { ok: true; applications: ApplicationFields[] } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The form's view of the text; not ok when the YAML does not parse or has no applications list. */
export function readForm(text: string): FormModel {
  const parsed = parseYaml(text);
  if (parsed.diagnostics.length)
    return {
      ok: false,
      reason: 'The YAML has a syntax error: fix it in the YAML editor to use the form.',
    };
  const root = parsed.value;
  if (root !== null && root !== undefined && !isObject(root))
    return { ok: false, reason: 'The config is not a mapping: edit it in the YAML editor.' };
  const apps = isObject(root) ? root.applications : undefined;
  if (apps !== undefined && apps !== null && !Array.isArray(apps))
    return { ok: false, reason: '`applications` is not a list: edit it in the YAML editor.' };
  const list = Array.isArray(apps) ? apps : [];
  return {
    ok: true,
    applications: list.map((a, index) => {
      const app = isObject(a) ? a : {};
      const deps = Array.isArray(app.deployments) ? app.deployments : [];
      return {
        index,
        name: app.name,
        routePrefix: app.route_prefix,
        importPath: app.import_path,
        deployments: deps.map((d, di) => {
          const dep = isObject(d) ? d : {};
          const auto = isObject(dep.autoscaling_config) ? dep.autoscaling_config : null;
          const actor = isObject(dep.ray_actor_options) ? dep.ray_actor_options : {};
          return {
            index: di,
            name: typeof dep.name === 'string' ? dep.name : `deployment ${di + 1}`,
            mode: auto ? 'auto' : 'fixed',
            numReplicas: dep.num_replicas,
            minReplicas: auto?.min_replicas,
            maxReplicas: auto?.max_replicas,
            targetOngoing: auto?.target_ongoing_requests,
            maxOngoing: dep.max_ongoing_requests,
            numCpus: actor.num_cpus,
            numGpus: actor.num_gpus,
          } satisfies DeploymentFields;
        }),
      };
    }),
  };
}

export const appPath = (app: number, ...rest: ConfigPath): ConfigPath => [
  'applications',
  app,
  ...rest,
];
export const deploymentPath = (app: number, dep: number, ...rest: ConfigPath): ConfigPath => [
  'applications',
  app,
  'deployments',
  dep,
  ...rest,
];

/** Sets the field at `path` (undefined: removes it), keeping every other byte of the text. */
export function editField(text: string, path: ConfigPath, value: unknown): string {
  return value === undefined ? deleteInYaml(text, path) : setInYaml(text, path, value);
}

/** Switches a deployment between a fixed replica count and autoscaling (Ray refuses both at once). */
export function setReplicaMode(
  text: string,
  app: number,
  dep: number,
  mode: 'fixed' | 'auto',
): string {
  const model = readForm(text);
  const current = model.ok ? model.applications[app]?.deployments[dep] : undefined;
  if (!current || current.mode === mode) return text;
  if (mode === 'auto') {
    const n = typeof current.numReplicas === 'number' ? current.numReplicas : 1;
    const without = deleteInYaml(text, deploymentPath(app, dep, 'num_replicas'));
    return setInYaml(without, deploymentPath(app, dep, 'autoscaling_config'), {
      min_replicas: 1,
      max_replicas: Math.max(1, n),
    });
  }
  const max = typeof current.maxReplicas === 'number' ? current.maxReplicas : 1;
  const without = deleteInYaml(text, deploymentPath(app, dep, 'autoscaling_config'));
  return setInYaml(without, deploymentPath(app, dep, 'num_replicas'), max);
}

/**
 * What a form input's text means as a YAML value: '' removes the field, a number is a number
 * (`auto` too for num_replicas), anything else is kept as typed text for numeric fields (the
 * caller does not write it) or written as a string for text fields.
 */
export function parseInput(
  raw: string,
  kind: 'text' | 'number' | 'replicas',
): { value: unknown } | { invalid: true } {
  const t = raw.trim();
  if (t === '') return { value: undefined };
  if (kind === 'text') return { value: raw };
  if (kind === 'replicas' && t === 'auto') return { value: 'auto' };
  const n = Number(t);
  return Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)
    ? { value: n }
    : { invalid: true };
}

/** A value shown in an input ('' when unset). */
export const showValue = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** Appends an application (name, route prefix, import path to fill in) at the end of `applications`. */
export function addApplication(text: string): string {
  const model = readForm(text);
  const n = model.ok ? model.applications.length : 0;
  const taken = new Set(model.ok ? model.applications.map((a) => String(a.name)) : []);
  let name = `app${n + 1}`;
  for (let i = n + 2; taken.has(name); i++) name = `app${i}`;
  const app = { name, route_prefix: `/${name}`, import_path: 'module.path:app' };
  return n === 0
    ? setInYaml(text, ['applications'], [app])
    : setInYaml(text, ['applications', n], app);
}

/** Adds settings for deployment `name` of application `app` (Ray applies them to the deployment of that name). */
export function addDeployment(text: string, app: number, name: string): string {
  const model = readForm(text);
  const n = model.ok ? (model.applications[app]?.deployments.length ?? 0) : 0;
  const dep = { name, num_replicas: 1 };
  return n === 0
    ? setInYaml(text, appPath(app, 'deployments'), [dep])
    : setInYaml(text, deploymentPath(app, n), dep);
}
