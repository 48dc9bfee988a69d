/**
 * The monitor's keys, the same on both sides: series keys (`gpu/...`, `dep/...`, `replica/...`,
 * `cluster/...`) and view keys, and which GpuSample value each GPU series carries — a
 * `monitor.delta` sends a GPU's per-second values only as these series, and a client reads them
 * back into its GPU views with `parseGpuSeriesKey` (see MonitorDelta in monitor.ts).
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

/** The GpuSample value each GPU series carries (only numbers: "no value" is never a point). */
export const GPU_SERIES_VALUE = {
  util: 'utilizationPct',
  memUsed: 'memoryUsedMiB',
  temp: 'temperatureC',
  power: 'powerW',
} as const satisfies Record<GpuSeriesField, string>;
export type GpuValueField = (typeof GPU_SERIES_VALUE)[GpuSeriesField];

/** A GPU series key read back: the GPU's view key and its field; null for any other key. */
export function parseGpuSeriesKey(key: string): { gpu: string; field: GpuSeriesField } | null {
  if (!key.startsWith('gpu/')) return null;
  const f = key.lastIndexOf('/');
  const i = key.lastIndexOf('/', f - 1);
  if (i <= 4) return null;
  const field = key.slice(f + 1);
  const index = key.slice(i + 1, f);
  if (!Object.hasOwn(GPU_SERIES_VALUE, field) || !/^\d+$/.test(index)) return null;
  let nodeId: string;
  try {
    nodeId = decodeURIComponent(key.slice(4, i));
  } catch {
    return null;
  }
  return { gpu: viewKey.gpu(nodeId, Number(index)), field: field as GpuSeriesField };
}
