/**
 * Warnings about resources, which Ray accepts but which will not run as meant: a vLLM replica on
 * a fractional GPU (vLLM claims gpu_memory_utilization of the whole card, so replicas sharing a
 * GPU run out of memory), more GPUs asked than the cluster has (replicas stay PENDING), and a
 * Ray dashboard bound to all interfaces (anyone who reaches it can run code: CVE-2023-48022).
 * Only what the config itself says is counted; options set in the application's code are not
 * visible here.
 */
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { autoscalingBounds } from './checks-deployment';
import { isPlainObject } from './key-catalog';
import { LLM_APP_BUILDERS } from './schema-llm';

/** What Raydeck knows of the cluster a config is meant for (all optional). */
export interface ServeClusterFacts {
  /** Ray's logical GPU count over all nodes. */
  gpus?: number;
  /** The head's --dashboard-host. */
  dashboardHost?: string;
}

const num = (v: unknown, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const fractional = (v: unknown): v is number =>
  typeof v === 'number' && v > 0 && !Number.isInteger(v);
const gpusOf = (bundles: unknown) =>
  Array.isArray(bundles)
    ? bundles.reduce((s: number, b) => s + (isPlainObject(b) ? num(b.GPU, 0) : 0), 0)
    : 0;

interface GpuAsk {
  path: ConfigPath;
  what: string;
  perReplica: number;
  start: number;
  max: number;
}

function replicas(dep: Record<string, unknown>): { start: number; max: number } {
  if (typeof dep.num_replicas === 'number')
    return { start: dep.num_replicas, max: dep.num_replicas };
  const b = autoscalingBounds(dep);
  return b ? { start: b.initial ?? b.min, max: b.max } : { start: 1, max: 1 };
}

const fractionalWarning = (path: ConfigPath, what: string, gpus: number): ServeDiagnostic => ({
  severity: 'warning',
  code: 'fractional-gpu-vllm',
  path,
  message: `${what} runs vLLM on ${gpus} of a GPU; vLLM claims gpu_memory_utilization (0.92 by default) of the whole card's memory, so a second replica on the same GPU fails to start`,
  fix: 'give each vLLM replica whole GPUs, or lower engine_kwargs.gpu_memory_utilization to its share of the card',
});

export function checkResources(
  config: Record<string, unknown>,
  cluster: ServeClusterFacts = {},
): ServeDiagnostic[] {
  const out: ServeDiagnostic[] = [];
  const asks: GpuAsk[] = [];
  const apps = Array.isArray(config.applications) ? config.applications : [];
  apps.forEach((app, i) => {
    if (!isPlainObject(app)) return;
    const isLlm =
      typeof app.import_path === 'string' &&
      (LLM_APP_BUILDERS as readonly string[]).includes(app.import_path);
    const deployments = Array.isArray(app.deployments) ? app.deployments : [];
    deployments.forEach((dep, j) => {
      if (!isPlainObject(dep)) return;
      const path: ConfigPath = ['applications', i, 'deployments', j];
      const actor = isPlainObject(dep.ray_actor_options) ? dep.ray_actor_options : {};
      const perReplica = Array.isArray(dep.placement_group_bundles)
        ? gpusOf(dep.placement_group_bundles)
        : num(actor.num_gpus, 0);
      const name = `deployment "${String(dep.name)}"`;
      if (
        /vllm/i.test(`${String(dep.name)} ${String(app.import_path)}`) &&
        fractional(actor.num_gpus)
      )
        out.push(
          fractionalWarning([...path, 'ray_actor_options', 'num_gpus'], name, actor.num_gpus),
        );
      if (perReplica > 0) asks.push({ path, what: name, perReplica, ...replicas(dep) });
    });
    if (!isLlm || !isPlainObject(app.args) || !Array.isArray(app.args.llm_configs)) return;
    app.args.llm_configs.forEach((c, k) => {
      if (!isPlainObject(c)) return;
      const path: ConfigPath = ['applications', i, 'args', 'llm_configs', k];
      const model = isPlainObject(c.model_loading_config)
        ? String(c.model_loading_config.model_id)
        : `llm_configs[${k}]`;
      const kwargs = isPlainObject(c.engine_kwargs) ? c.engine_kwargs : {};
      const workers = num(kwargs.tensor_parallel_size, 1) * num(kwargs.pipeline_parallel_size, 1);
      const pg = isPlainObject(c.placement_group_config) ? c.placement_group_config : null;
      const dc = isPlainObject(c.deployment_config) ? c.deployment_config : {};
      const actor = isPlainObject(dc.ray_actor_options) ? dc.ray_actor_options : {};
      const cpuOnly = isPlainObject(c.accelerator_config) && c.accelerator_config.kind === 'cpu';
      let perReplica = cpuOnly ? 0 : workers;
      if (pg && isPlainObject(pg.bundle_per_worker)) {
        const g = num(pg.bundle_per_worker.GPU, 0);
        perReplica = g * workers;
        if (fractional(g))
          out.push(
            fractionalWarning(
              [...path, 'placement_group_config', 'bundle_per_worker', 'GPU'],
              `model "${model}"`,
              g,
            ),
          );
      } else if (pg && Array.isArray(pg.bundles)) {
        perReplica = gpusOf(pg.bundles);
        pg.bundles.forEach((b, n) => {
          if (isPlainObject(b) && fractional(b.GPU))
            out.push(
              fractionalWarning(
                [...path, 'placement_group_config', 'bundles', n, 'GPU'],
                `model "${model}"`,
                b.GPU,
              ),
            );
        });
      }
      if (fractional(actor.num_gpus))
        out.push(
          fractionalWarning(
            [...path, 'deployment_config', 'ray_actor_options', 'num_gpus'],
            `model "${model}"`,
            actor.num_gpus,
          ),
        );
      if (perReplica > 0)
        asks.push({ path, what: `model "${model}"`, perReplica, ...replicas(dc) });
    });
  });

  if (typeof cluster.gpus === 'number') {
    const start = asks.reduce((s, a) => s + a.perReplica * a.start, 0);
    const max = asks.reduce((s, a) => s + a.perReplica * a.max, 0);
    const biggest = [...asks].sort((a, b) => b.perReplica * b.max - a.perReplica * a.max)[0];
    if (biggest && max > cluster.gpus) {
      const starting = start > cluster.gpus;
      out.push({
        severity: 'warning',
        code: 'gpu-oversubscribed',
        path: biggest.path,
        message: starting
          ? `this config asks ${start} GPUs to start but the cluster has ${cluster.gpus}; replicas beyond that stay PENDING (the largest: ${biggest.what}, ${biggest.perReplica} per replica)`
          : `autoscaling may ask up to ${max} GPUs but the cluster has ${cluster.gpus}; replicas beyond that stay PENDING (the largest: ${biggest.what}, ${biggest.perReplica} per replica)`,
        fix: starting
          ? 'lower num_replicas or GPUs per replica, or add GPU nodes'
          : 'lower max_replicas, or add GPU nodes',
      });
    }
  }
  if (cluster.dashboardHost === '0.0.0.0' || cluster.dashboardHost === '::') {
    out.push({
      severity: 'warning',
      code: 'public-bind',
      path: [],
      message: `the cluster's Ray dashboard listens on ${cluster.dashboardHost}: anyone who reaches its port can run code on the cluster (CVE-2023-48022)`,
      fix: 'start the head with --dashboard-host=127.0.0.1 and reach it through an SSH tunnel (Raydeck does)',
    });
  }
  return out;
}
