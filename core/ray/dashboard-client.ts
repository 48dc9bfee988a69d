/**
 * A client for Ray's dashboard REST API, reached through an SSH tunnel (the dashboard listens on
 * the head's 127.0.0.1 only). Requests go out with node:http over the tunnel stream and carry no
 * browser-like headers: the dashboard refuses writes that look like browser traffic (RAY-FACTS,
 * `dashboard/optional_utils.py`). With Ray token auth on, every request carries the bearer token.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { z } from 'zod';

export type OpenTunnel = () => Promise<Duplex>;

export class DashboardError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** The dashboard's whole answer, for errors whose text matters (Ray's reason for a refused Serve config). */
    readonly body?: string,
  ) {
    super(message);
    this.name = 'DashboardError';
  }
}

const Envelope = <T extends z.ZodType>(data: T) =>
  z.object({ result: z.boolean(), msg: z.string().optional(), data });

export const RayVersion = z.object({
  version: z.string(),
  ray_version: z.string(),
  session_name: z.string().optional(),
});

export const RayNodeRecord = z.object({
  node_id: z.string(),
  node_ip: z.string(),
  is_head_node: z.boolean(),
  state: z.string(),
  node_name: z.string().optional(),
  resources_total: z.record(z.string(), z.number()),
  labels: z.record(z.string(), z.string()).optional(),
});
export type RayNodeRecord = z.infer<typeof RayNodeRecord>;

/**
 * An actor as Ray's state API lists it (`GET /api/v0/actors?detail=1`, Ray 2.60
 * `util/state/common.py` ActorState): its pid and node, and the placement group it was scheduled
 * in — how the monitor finds the replica a vLLM GPU worker (a Ray actor of its own, in the
 * replica's placement group) belongs to.
 */
export const RayActorRecord = z.object({
  actor_id: z.string(),
  class_name: z.string().nullable().optional(),
  state: z.string(),
  node_id: z.string().nullable().optional(),
  pid: z.number().nullable().optional(),
  placement_group_id: z.string().nullable().optional(),
  required_resources: z.record(z.string(), z.number()).nullable().optional(),
});
export type RayActorRecord = z.infer<typeof RayActorRecord>;

const ActorsResponse = Envelope(
  z.object({ result: z.object({ total: z.number(), result: z.array(RayActorRecord) }) }),
);

const NodesResponse = Envelope(
  z.object({ result: z.object({ total: z.number(), result: z.array(RayNodeRecord) }) }),
);
const ClusterStatusResponse = Envelope(z.object({ clusterStatus: z.string() }));

export interface DashboardClientOptions {
  openTunnel: OpenTunnel;
  /** Ray auth token (RAY_AUTH_MODE=token), or null when token auth is off. */
  token?: string | null;
  timeoutMs?: number;
}

export class DashboardClient {
  constructor(private readonly opts: DashboardClientOptions) {}

  async version(): Promise<z.infer<typeof RayVersion>> {
    return RayVersion.parse(await this.request('GET', '/api/version'));
  }

  /** Every node the GCS knows, ALIVE and DEAD (state API). */
  async nodes(): Promise<RayNodeRecord[]> {
    return NodesResponse.parse(await this.request('GET', '/api/v0/nodes?limit=1000')).data.result
      .result;
  }

  /** The ALIVE actors (state API, detail: placement group and resources; Ray's cap is 10,000). */
  async actors(): Promise<RayActorRecord[]> {
    const q = 'detail=1&limit=10000&filter_keys=state&filter_predicates=%3D&filter_values=ALIVE';
    return ActorsResponse.parse(await this.request('GET', `/api/v0/actors?${q}`)).data.result
      .result;
  }

  /** The `ray status` text (format=1 keeps resource names as Ray prints them). */
  async clusterStatus(): Promise<string> {
    return ClusterStatusResponse.parse(await this.request('GET', '/api/cluster_status?format=1'))
      .data.clusterStatus;
  }

  async request(
    method: 'GET' | 'PUT' | 'DELETE' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const stream = await this.opts.openTunnel();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      'User-Agent': 'raydeck',
      Accept: 'application/json',
      Host: '127.0.0.1',
    };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          method,
          path,
          headers,
          createConnection: () => stream as never,
          timeout: this.opts.timeoutMs ?? 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            stream.destroy();
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status === 401 || status === 403)
              return reject(
                new DashboardError(
                  `The Ray dashboard refused the request (HTTP ${status}): the Ray auth token is missing or wrong.`,
                  status,
                ),
              );
            if (status >= 400)
              return reject(
                new DashboardError(
                  `Ray dashboard ${method} ${path} failed (HTTP ${status}): ${text.slice(0, 300)}`,
                  status,
                  text,
                ),
              );
            if (text.trim() === '') return resolve(null);
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(
                new DashboardError(
                  `Ray dashboard ${method} ${path} answered something that is not JSON.`,
                  status,
                ),
              );
            }
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new DashboardError(`Ray dashboard ${method} ${path} timed out.`, null)),
      );
      req.on('error', (err) => {
        stream.destroy();
        reject(
          err instanceof DashboardError
            ? err
            : new DashboardError(`Cannot reach the Ray dashboard: ${err.message}`, null),
        );
      });
      req.end(payload);
    });
  }
}

/** GPUs Ray registered, summed over ALIVE nodes (GPUs are Ray logical resources). */
export function summarizeNodes(nodes: RayNodeRecord[]): {
  alive: number;
  dead: number;
  gpus: number;
  cpus: number;
} {
  const alive = nodes.filter((n) => n.state === 'ALIVE');
  return {
    alive: alive.length,
    dead: nodes.length - alive.length,
    gpus: alive.reduce((sum, n) => sum + (n.resources_total.GPU ?? 0), 0),
    cpus: alive.reduce((sum, n) => sum + (n.resources_total.CPU ?? 0), 0),
  };
}
