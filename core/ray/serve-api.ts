/**
 * Ray 2.60's Serve REST API on the dashboard, through the same tunnelled `request` as the rest of
 * the dashboard client (node:http, no browser-like headers: the dashboard refuses browser writes):
 * - GET    /api/serve/applications/  ServeInstanceDetails, read into shared/serve/status.ts;
 * - PUT    /api/serve/applications/  the whole config, declarative (apps left out are deleted);
 *          200 with an empty body once the controller took it, 400 with pydantic's text;
 * - DELETE /api/serve/applications/  shuts Serve down.
 * Field names and optionality follow python/ray/serve/schema.py (ServeInstanceDetails,
 * ApplicationDetails, DeploymentDetails, ReplicaDetails); an empty Serve is
 * `{controller_info: {}, proxies: {}, applications: {}, target_capacity: null}`.
 */
import { z } from 'zod';
import {
  ApplicationStatus,
  DeploymentStatus,
  DeploymentStatusTrigger,
  ProxyStatus,
  ReplicaState,
  countReplicas,
  isSchedulingMessage,
  RAY_AUTOSCALING_DEFAULTS,
  type ServeApplication,
  type ServeDeployment,
  type ServeInstance,
  type ServeReplica,
} from '../../shared';
import { DashboardError } from './dashboard-client';

/** The dashboard client's request (DashboardClient.request), or a stand-in in tests. */
export type DashboardRequest = (
  method: 'GET' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
) => Promise<unknown>;

export const SERVE_APPLICATIONS_PATH = '/api/serve/applications/';

const str = z.string().nullable().optional();

const RawReplica = z.object({
  replica_id: z.string(),
  state: ReplicaState,
  node_id: str,
  node_ip: str,
  actor_name: str,
  log_file_path: str,
  pid: z.number().nullable().optional(),
  start_time_s: z.number().nullable().optional(),
});

const RawDeployment = z.object({
  name: z.string(),
  status: DeploymentStatus,
  status_trigger: DeploymentStatusTrigger,
  message: z.string(),
  deployment_config: z
    .object({
      autoscaling_config: z
        .object({
          min_replicas: z.number().nullable().optional(),
          max_replicas: z.number().nullable().optional(),
        })
        .loose()
        .nullable()
        .optional(),
    })
    .loose(),
  target_num_replicas: z.number(),
  required_resources: z.record(z.string(), z.unknown()),
  replicas: z.array(RawReplica),
});

const RawApplication = z.object({
  name: z.string(),
  route_prefix: str,
  status: ApplicationStatus,
  message: z.string(),
  last_deployed_time_s: z.number().nullable().optional(),
  deployed_app_config: z.record(z.string(), z.unknown()).nullable().optional(),
  source: z.string().optional(),
  deployments: z.record(z.string(), RawDeployment),
  deployment_topology: z.object({ ingress_deployment: str }).loose().nullable().optional(),
});

const RawInstance = z.object({
  controller_info: z.object({ node_id: str }).loose(),
  proxy_location: str,
  http_options: z.record(z.string(), z.unknown()).nullable().optional(),
  grpc_options: z.record(z.string(), z.unknown()).nullable().optional(),
  proxies: z.record(z.string(), z.object({ node_ip: str, status: ProxyStatus }).loose()),
  applications: z.record(z.string(), RawApplication),
  target_capacity: z.number().nullable().optional(),
});

function toReplica(r: z.infer<typeof RawReplica>): ServeReplica {
  return {
    replicaId: r.replica_id,
    state: r.state,
    nodeId: r.node_id || null,
    nodeIp: r.node_ip || null,
    pid: r.pid ?? null,
    startedAt: r.start_time_s ?? null,
    actorName: r.actor_name ?? null,
    logFile: r.log_file_path ?? null,
  };
}

/** The numeric autoscaling settings Ray runs with that are not Ray's defaults. */
function ownAutoscalingSettings(auto: Record<string, unknown>): Record<string, number> {
  const own: Record<string, number> = {};
  for (const [key, byDefault] of Object.entries(RAY_AUTOSCALING_DEFAULTS)) {
    const v = auto[key];
    if (typeof v === 'number' && v !== byDefault) own[key] = v;
  }
  return own;
}

function toDeployment(d: z.infer<typeof RawDeployment>): ServeDeployment {
  const replicas = d.replicas.map(toReplica);
  const counts = countReplicas(replicas, d.target_num_replicas);
  const auto = d.deployment_config.autoscaling_config;
  return {
    name: d.name,
    status: d.status,
    statusTrigger: d.status_trigger,
    message: d.message,
    replicas,
    counts,
    pendingReason: counts.pending > 0 && isSchedulingMessage(d.message) ? d.message : null,
    requiredResources: d.required_resources,
    autoscaling: auto
      ? {
          min: auto.min_replicas ?? null,
          max: auto.max_replicas ?? null,
          settings: ownAutoscalingSettings(auto),
        }
      : null,
  };
}

function toApplication(a: z.infer<typeof RawApplication>): ServeApplication {
  return {
    name: a.name,
    routePrefix: a.route_prefix ?? null,
    status: a.status,
    message: a.message,
    lastDeployedAt: a.last_deployed_time_s ?? null,
    source: a.source ?? 'unknown',
    deployedConfig: a.deployed_app_config ?? null,
    ingressDeployment: a.deployment_topology?.ingress_deployment ?? null,
    deployments: Object.values(a.deployments).map(toDeployment),
  };
}

/** Ray's ServeInstanceDetails JSON as Raydeck's model; a shape Ray 2.60 never sends is an error naming the field. */
export function readServeInstance(json: unknown): ServeInstance {
  const parsed = RawInstance.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DashboardError(
      `Ray's Serve status has an unexpected shape at ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`,
      200,
    );
  }
  const raw = parsed.data;
  return {
    serveRunning: Boolean(raw.controller_info.node_id),
    proxyLocation: raw.proxy_location ?? null,
    httpOptions: raw.http_options ?? null,
    grpcOptions: raw.grpc_options ?? null,
    proxies: Object.entries(raw.proxies).map(([nodeId, p]) => ({
      nodeId,
      nodeIp: p.node_ip ?? null,
      status: p.status,
    })),
    targetCapacity: raw.target_capacity ?? null,
    applications: Object.values(raw.applications).map(toApplication),
  };
}

/** Ray refused the config itself (HTTP 400): `rayMessage` is Ray's text (pydantic's or the controller's). */
export class ServeConfigRefused extends Error {
  constructor(readonly rayMessage: string) {
    super(`Ray refused the Serve config: ${rayMessage}`);
    this.name = 'ServeConfigRefused';
  }
}

export class ServeApi {
  constructor(private readonly request: DashboardRequest) {}

  async applications(): Promise<ServeInstance> {
    return readServeInstance(await this.request('GET', SERVE_APPLICATIONS_PATH));
  }

  /** Sends the whole config; Ray deploys in the background (poll `applications()`). */
  async putApplications(config: unknown): Promise<void> {
    try {
      await this.request('PUT', SERVE_APPLICATIONS_PATH, config);
    } catch (err) {
      if (err instanceof DashboardError && err.status === 400)
        throw new ServeConfigRefused(err.body ?? err.message);
      throw err;
    }
  }

  /** Shuts Serve down (every application). */
  async shutdown(): Promise<void> {
    await this.request('DELETE', SERVE_APPLICATIONS_PATH);
  }
}
