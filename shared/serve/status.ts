/**
 * The live state of Ray Serve on a cluster, as Raydeck shows it: applications -> deployments ->
 * replicas with Ray 2.60's own states and messages (ServeInstanceDetails of
 * `GET /api/serve/applications/`, python/ray/serve/schema.py; the enums from
 * serve/_private/common.py). core/ray/serve-api.ts reads Ray's JSON into this model. Replica
 * counts split STARTING into "pending" (not placed on a node yet: Ray gives it no node_id) and
 * "starting" (placed, constructor running), and carry Ray's scheduling message as the reason
 * (ray-project/ray#47288: users asking why replicas are pending).
 */
import { z } from 'zod';

export const APPLICATION_STATUSES = [
  'NOT_STARTED',
  'DEPLOYING',
  'DEPLOY_FAILED',
  'RUNNING',
  'UNHEALTHY',
  'DELETING',
] as const;
export const ApplicationStatus = z.enum(APPLICATION_STATUSES);
export type ApplicationStatus = z.infer<typeof ApplicationStatus>;

export const DEPLOYMENT_STATUSES = [
  'UPDATING',
  'HEALTHY',
  'UNHEALTHY',
  'DEPLOY_FAILED',
  'UPSCALING',
  'DOWNSCALING',
] as const;
export const DeploymentStatus = z.enum(DEPLOYMENT_STATUSES);
export type DeploymentStatus = z.infer<typeof DeploymentStatus>;

export const DEPLOYMENT_STATUS_TRIGGERS = [
  'UNSPECIFIED',
  'CONFIG_UPDATE_STARTED',
  'CONFIG_UPDATE_COMPLETED',
  'UPSCALE_COMPLETED',
  'DOWNSCALE_COMPLETED',
  'AUTOSCALING',
  'REPLICA_STARTUP_FAILED',
  'DEPLOYMENT_ACTOR_FAILED',
  'HEALTH_CHECK_FAILED',
  'INTERNAL_ERROR',
  'DELETING',
] as const;
export const DeploymentStatusTrigger = z.enum(DEPLOYMENT_STATUS_TRIGGERS);
export type DeploymentStatusTrigger = z.infer<typeof DeploymentStatusTrigger>;

export const REPLICA_STATES = [
  'STARTING',
  'UPDATING',
  'RECOVERING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'PENDING_MIGRATION',
] as const;
export const ReplicaState = z.enum(REPLICA_STATES);
export type ReplicaState = z.infer<typeof ReplicaState>;

export const PROXY_STATUSES = ['STARTING', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'DRAINED'] as const;
export const ProxyStatus = z.enum(PROXY_STATUSES);
export type ProxyStatus = z.infer<typeof ProxyStatus>;

export const ServeReplica = z.object({
  replicaId: z.string(),
  state: ReplicaState,
  /** null while Ray has not placed the replica on a node (pending). */
  nodeId: z.string().nullable(),
  nodeIp: z.string().nullable(),
  pid: z.number().nullable(),
  /** Unix seconds. */
  startedAt: z.number().nullable(),
  actorName: z.string().nullable(),
  /** On the replica's node, under Ray's log folder. */
  logFile: z.string().nullable(),
});
export type ServeReplica = z.infer<typeof ServeReplica>;

/** Desired vs what Ray has: the numbers behind "2 of 3 running, 1 pending". */
export const ReplicaCounts = z.object({
  /** Ray's target_num_replicas (moves with autoscaling). */
  desired: z.number(),
  running: z.number(),
  /** Placed on a node, starting up (STARTING with a node, UPDATING, RECOVERING). */
  starting: z.number(),
  /** Not placed yet: waiting for resources (STARTING without a node). */
  pending: z.number(),
  /** STOPPING, STOPPED, PENDING_MIGRATION. */
  stopping: z.number(),
});
export type ReplicaCounts = z.infer<typeof ReplicaCounts>;

export const ServeDeployment = z.object({
  name: z.string(),
  status: DeploymentStatus,
  statusTrigger: DeploymentStatusTrigger,
  /** Ray's message, as Ray wrote it ('' when Ray has nothing to say). */
  message: z.string(),
  replicas: z.array(ServeReplica),
  counts: ReplicaCounts,
  /** Why replicas are pending, when Ray says (its "taken more than 30s to be scheduled" message). */
  pendingReason: z.string().nullable(),
  /** Resources each replica asks for, as Ray computed them ({"CPU": 1, "GPU": 1}). */
  requiredResources: z.record(z.string(), z.unknown()),
  autoscaling: z
    .object({
      min: z.number().nullable(),
      max: z.number().nullable(),
      /** The deployment's own autoscaling settings that differ from Ray's defaults (delays, look-back, ...). */
      settings: z.record(z.string(), z.number()).optional(),
    })
    .nullable(),
});
export type ServeDeployment = z.infer<typeof ServeDeployment>;

export const ServeApplication = z.object({
  name: z.string(),
  routePrefix: z.string().nullable(),
  status: ApplicationStatus,
  message: z.string(),
  /** Unix seconds (Ray's clock). */
  lastDeployedAt: z.number().nullable(),
  /** declarative (REST / serve deploy), imperative (serve.run), unknown. */
  source: z.string(),
  /** The config Ray holds for the app (as sent, no defaults); null for imperative apps. */
  deployedConfig: z.record(z.string(), z.unknown()).nullable(),
  ingressDeployment: z.string().nullable(),
  deployments: z.array(ServeDeployment),
});
export type ServeApplication = z.infer<typeof ServeApplication>;

export const ServeInstance = z.object({
  /** False when no Serve controller runs (Ray answers an empty instance). */
  serveRunning: z.boolean(),
  proxyLocation: z.string().nullable(),
  /** Ray's effective http_options (defaults filled in), null when Serve is not running. */
  httpOptions: z.record(z.string(), z.unknown()).nullable(),
  grpcOptions: z.record(z.string(), z.unknown()).nullable(),
  proxies: z.array(
    z.object({ nodeId: z.string(), nodeIp: z.string().nullable(), status: ProxyStatus }),
  ),
  targetCapacity: z.number().nullable(),
  applications: z.array(ServeApplication),
});
export type ServeInstance = z.infer<typeof ServeInstance>;

const PLACED_STARTING: ReadonlySet<ReplicaState> = new Set(['UPDATING', 'RECOVERING']);
const STOPPING: ReadonlySet<ReplicaState> = new Set(['STOPPING', 'STOPPED', 'PENDING_MIGRATION']);

export function countReplicas(replicas: readonly ServeReplica[], desired: number): ReplicaCounts {
  const counts: ReplicaCounts = { desired, running: 0, starting: 0, pending: 0, stopping: 0 };
  for (const r of replicas) {
    if (r.state === 'RUNNING') counts.running += 1;
    else if (r.state === 'STARTING') counts[r.nodeId ? 'starting' : 'pending'] += 1;
    else if (PLACED_STARTING.has(r.state)) counts.starting += 1;
    else if (STOPPING.has(r.state)) counts.stopping += 1;
  }
  return counts;
}

/** Ray's message when it explains unscheduled replicas (deployment_state.py, SLOW_STARTUP_WARNING_S). */
export const isSchedulingMessage = (message: string): boolean => /to be scheduled/.test(message);

/** "2/3 running, 1 starting, 1 pending" — one short line for logs and the CLI. */
export function formatReplicaCounts(c: ReplicaCounts): string {
  const parts = [`${c.running}/${c.desired} running`];
  if (c.starting) parts.push(`${c.starting} starting`);
  if (c.pending) parts.push(`${c.pending} pending`);
  if (c.stopping) parts.push(`${c.stopping} stopping`);
  return parts.join(', ');
}

/** Where a set of applications stands after an apply: all RUNNING, one failed, or still moving. */
export type ServeVerdict =
  | { kind: 'running' }
  | { kind: 'failed'; failed: ServeApplication[] }
  | { kind: 'progressing'; waitingFor: string[] };

const FAILED: ReadonlySet<ApplicationStatus> = new Set(['DEPLOY_FAILED', 'UNHEALTHY']);

/** The verdict over `names` (the applications of the applied config); a missing app is still progressing. */
export function serveVerdict(
  instance: ServeInstance,
  names: readonly string[],
  deleted: readonly string[] = [],
): ServeVerdict {
  const apps = new Map(instance.applications.map((a) => [a.name, a]));
  const failed = names.flatMap((n) => {
    const app = apps.get(n);
    return app && FAILED.has(app.status) ? [app] : [];
  });
  if (failed.length) return { kind: 'failed', failed };
  // An application the PUT deleted is gone only when Ray no longer lists it (it shows DELETING first).
  const waitingFor = [
    ...names.filter((n) => apps.get(n)?.status !== 'RUNNING'),
    ...deleted.filter((n) => apps.has(n)).map((n) => `${n} (being deleted)`),
  ];
  return waitingFor.length ? { kind: 'progressing', waitingFor } : { kind: 'running' };
}

/** Ray's own words on why an application is not running: its message and its deployments'. */
export function rayMessages(app: ServeApplication): string[] {
  const out: string[] = [];
  if (app.message) out.push(`${app.name}: ${app.message}`);
  for (const d of app.deployments)
    if (d.message) out.push(`${app.name}/${d.name} (${d.status}): ${d.message}`);
  return out;
}
