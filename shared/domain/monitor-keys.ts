/**
 * The monitor's keys, the same on both sides: series keys (`gpu/...`, `dep/...`, `replica/...`,
 * `cluster/...`) and view keys.
 */

/** Fields a GPU series may have. */
export const GPU_SERIES = ['util', 'memUsed', 'temp', 'power'] as const;
export type GpuSeriesField = (typeof GPU_SERIES)[number];
/** Fields a deployment series may have (the DeploymentMetrics fields). */
export const DEPLOYMENT_SERIES = [
  'queueLength',
  'ongoingRequests',
  'rps',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  'errorRate',
  'vllmRunning',
  'vllmWaiting',
  'kvCacheUsage',
  'tokensPerS',
  'ttftP50Ms',
  'ttftP95Ms',
] as const;
export type DeploymentSeriesField = (typeof DEPLOYMENT_SERIES)[number];
export const CLUSTER_SERIES = ['rps', 'gpuUtilAvg', 'costPerHour'] as const;
export type ClusterSeriesField = (typeof CLUSTER_SERIES)[number];

const part = (s: string | number) => encodeURIComponent(String(s));

/** Series keys: `gpu/<node>/<index>/<field>`, `dep/<app>/<deployment>/<field>`, `replica/...`, `cluster/<field>` (parts URI-encoded). */
export const seriesKey = {
  gpu: (nodeId: string, index: number, field: GpuSeriesField) =>
    `gpu/${part(nodeId)}/${index}/${field}`,
  deployment: (app: string, deployment: string, field: DeploymentSeriesField) =>
    `dep/${part(app)}/${part(deployment)}/${field}`,
  replica: (app: string, deployment: string, replicaId: string, field: 'ongoing') =>
    `replica/${part(app)}/${part(deployment)}/${part(replicaId)}/${field}`,
  cluster: (field: ClusterSeriesField) => `cluster/${field}`,
};

/** View keys, the same on both sides. */
export const viewKey = {
  gpu: (nodeId: string, index: number) => `${nodeId}/${index}`,
  deployment: (app: string, deployment: string) => `${app}/${deployment}`,
  replica: (app: string, deployment: string, replicaId: string) =>
    `${app}/${deployment}/${replicaId}`,
};
