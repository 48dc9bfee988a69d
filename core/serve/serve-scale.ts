/**
 * One-click scaling through Serve's safe apply, never Ray's scale endpoint: the Serve config Ray
 * holds (every declaratively deployed application, so the declarative PUT deletes nothing) with
 * one deployment's `num_replicas` or `autoscaling_config` (min / max / target ongoing requests)
 * changed, then ServeApplier.apply — validated, diffed, recorded in history, followed, optionally
 * rolled back. The preview adds the fit of the new replicas on the nodes' free resources.
 * Texts shown to a client are redacted (env_vars values); the apply rebuilds the real text.
 */
import { stringify } from 'yaml';
import { RaydeckError } from '../../shared/contract/errors';
import type { MethodOutput, MethodParsedInput } from '../../shared/contract/methods';
import type { ScaleChange } from '../../shared/domain/monitor';
import { redactSecrets } from '../../shared/serve/redact';
import type { ServeInstance } from '../../shared/serve/status';
import type { ScaleApi } from '../monitor/monitor-api';
import type { RayNodeRecord } from '../ray/dashboard-client';
import { fitPreview, fitWarnings, type FitClusterNode, type PlacedReplica } from './fit-preview';
import type { ServeApplier } from './serve-apply';
import type { ServeConnectorWithNodes } from './serve-target';

type Input = MethodParsedInput<'serve.scalePreview'>;

interface Plan {
  body: { applications: Record<string, unknown>[] };
  text: string;
  instance: ServeInstance;
  rayNodes: RayNodeRecord[];
}

const numbers = (r: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(r).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );

/** The config Ray holds with the change applied to one deployment (pure). */
export function scaledConfig(
  instance: ServeInstance,
  app: string,
  deployment: string,
  change: ScaleChange,
): { applications: Record<string, unknown>[] } {
  const a = instance.applications.find((x) => x.name === app);
  if (!a)
    throw new RaydeckError({
      code: 'not_found',
      message: `No application '${app}' runs on this cluster.`,
    });
  if (!a.deployments.some((d) => d.name === deployment))
    throw new RaydeckError({
      code: 'not_found',
      message: `Application '${app}' has no deployment '${deployment}' (it has ${a.deployments.map((d) => d.name).join(', ') || 'none'}).`,
    });
  if (!a.deployedConfig)
    throw new RaydeckError({
      code: 'conflict',
      message: `Application '${app}' was deployed with serve.run (imperatively): Ray holds no config for it, so it cannot be scaled through a config apply.`,
    });
  const applications = instance.applications
    .filter((x) => x.deployedConfig)
    .map((x) => structuredClone(x.deployedConfig) as Record<string, unknown>);
  const target =
    applications[
      instance.applications.filter((x) => x.deployedConfig).findIndex((x) => x.name === app)
    ]!;
  const list = ((target.deployments as Record<string, unknown>[] | undefined) ??= []);
  let entry = list.find((d) => d.name === deployment);
  if (!entry) list.push((entry = { name: deployment }));
  if ('replicas' in change) {
    entry.num_replicas = change.replicas;
    delete entry.autoscaling_config;
  } else {
    // The deployment's own settings (delays, look-back, ...) stay: from the config's entry, else
    // from what Ray runs (set in code or in Serve LLM's llm_configs), so a new autoscaling_config
    // entry does not put them back to Ray's defaults.
    const live = a.deployments.find((d) => d.name === deployment)?.autoscaling?.settings ?? {};
    const prev = (entry.autoscaling_config as Record<string, unknown> | undefined) ?? { ...live };
    const { min_replicas: _min, max_replicas: _max, target_ongoing_requests, ...rest } = prev;
    const target = change.target ?? target_ongoing_requests;
    entry.autoscaling_config = {
      min_replicas: change.min,
      max_replicas: change.max,
      ...(target !== undefined ? { target_ongoing_requests: target } : {}),
      ...rest,
    };
    delete entry.num_replicas;
  }
  return { applications };
}

export class ServeScaler implements ScaleApi {
  constructor(private readonly deps: { connect: ServeConnectorWithNodes; serve: ServeApplier }) {}

  private async plan(input: Input): Promise<Plan> {
    const conn = await this.deps.connect(input.clusterId);
    let instance: ServeInstance;
    let rayNodes: RayNodeRecord[];
    try {
      instance = await conn.api.applications();
      rayNodes = (await conn.nodes?.().catch(() => [])) ?? [];
    } finally {
      conn.release();
    }
    const body = scaledConfig(instance, input.app, input.deployment, input.change);
    return { body, text: stringify(body), instance, rayNodes };
  }

  async preview(input: Input): Promise<MethodOutput<'serve.scalePreview'>> {
    const plan = await this.plan(input);
    const { diff, diagnostics } = await this.deps.serve.diff(input.clusterId, plan.text);
    const app = plan.instance.applications.find((a) => a.name === input.app)!;
    const dep = app.deployments.find((d) => d.name === input.deployment)!;
    const perReplica = numbers(dep.requiredResources);
    const current = dep.counts.desired;
    const c = input.change;
    const next = 'replicas' in c ? c.replicas : Math.min(c.max, Math.max(c.min, current));
    const nodes: FitClusterNode[] = plan.rayNodes.map((n) => ({
      nodeId: null,
      rayNodeId: n.node_id,
      nodeIp: n.node_ip,
      gpuTotal: n.resources_total.GPU ?? 0,
      cpuTotal: n.resources_total.CPU ?? 0,
      alive: n.state === 'ALIVE',
    }));
    const placed: PlacedReplica[] = plan.instance.applications.flatMap((a) =>
      a.deployments.flatMap((d) =>
        d.replicas
          .filter((r) => r.nodeId && r.state !== 'STOPPED')
          .map((r) => ({
            rayNodeId: r.nodeId,
            nodeIp: r.nodeIp,
            resources: numbers(d.requiredResources),
          })),
      ),
    );
    const fit = fitPreview({
      nodes,
      placed,
      perReplica,
      currentReplicas: current,
      nextReplicas: next,
      maxReplicas: 'replicas' in c ? null : c.max,
    });
    const key = `${input.app}/${input.deployment}`;
    const warnings = [
      ...(nodes.length ? [] : ["Ray's node list could not be read: the fit preview has no nodes."]),
      ...fitWarnings(fit, key, 'replicas' in c ? undefined : c.max),
      ...diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message),
      ...(diff.deletes.length ? [`This apply would delete ${diff.deletes.join(', ')}.`] : []),
    ];
    return { diff, fit, warnings, text: stringify(redactSecrets(plan.body)) };
  }

  async scale(input: MethodParsedInput<'serve.scale'>): Promise<MethodOutput<'serve.scale'>> {
    const plan = await this.plan(input);
    // The PUT must delete nothing: the config carries every declarative application.
    return this.deps.serve.apply(input.clusterId, plan.text, {
      wait: input.wait || input.autoRollbackS !== null,
      autoRollbackS: input.autoRollbackS,
      expectDeletes: [],
    });
  }
}
