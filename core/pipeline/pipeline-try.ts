/**
 * "Try it": one JSON request to a deployed pipeline's route, through the head's SSH tunnel to
 * Serve's HTTP proxy (RAY_PORTS.serveHttp on the head's 127.0.0.1, as the serving cluster test
 * reaches it), and the answer with the per-stage `timings_ms` the app builder adds
 * (docs/pipeline-graph.md). The application's route_prefix comes from what Ray runs.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { RAY_PORTS, RaydeckError } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';

export interface HttpAnswer {
  status: number;
  text: string;
}

/** POSTs `payload` to `path` on Serve's HTTP proxy of the cluster's head. */
export type ServePoster = (
  clusterId: string,
  path: string,
  payload: string,
  timeoutMs: number,
) => Promise<HttpAnswer>;

/** One HTTP POST over an already open stream (a tunnel). */
export function postOver(
  stream: Duplex,
  path: string,
  payload: string,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: 'POST',
        path,
        host: '127.0.0.1',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        createConnection: () => stream as never,
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`pipeline try: no answer from ${path} within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The default poster: the head's connection, a forwardOut tunnel to Serve's HTTP port. */
export function headServePoster(nodes: NodeInventory, access: NodeAccess): ServePoster {
  return async (clusterId, path, payload, timeoutMs) => {
    const head = (await nodes.list(clusterId)).find((n) => n.role === 'head');
    if (!head)
      throw new RaydeckError({
        code: 'conflict',
        message: 'The cluster has no head node: Serve answers HTTP on the head.',
      });
    const conn = await access.lease(head.id);
    try {
      const stream = await conn.forwardOut('127.0.0.1', RAY_PORTS.serveHttp);
      return await postOver(stream, path, payload, timeoutMs);
    } finally {
      conn.release();
    }
  };
}

export interface PipelineTryDeps {
  /** The application's route_prefix as Ray runs it; null when Ray runs no such application. */
  routePrefix: (clusterId: string, app: string) => Promise<string | null>;
  post: ServePoster;
}

export interface PipelineTryAnswer {
  status: number;
  body: unknown;
  timings_ms: Record<string, number>;
  elapsedMs: number;
  path: string;
}

/** route_prefix + route, without a doubled slash. */
export const joinRoute = (prefix: string, route: string): string =>
  prefix === '/' || prefix === '' ? route : `${prefix.replace(/\/+$/, '')}${route}`;

/** The stage times of an answer (numbers only; anything else in timings_ms is left out). */
export function timingsOf(body: unknown): Record<string, number> {
  const t = (body as { timings_ms?: unknown } | null)?.timings_ms;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) return {};
  return Object.fromEntries(
    Object.entries(t).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
  ) as Record<string, number>;
}

export async function tryPipeline(
  deps: PipelineTryDeps,
  input: { clusterId: string; app: string; route: string; body: unknown; timeoutMs: number },
): Promise<PipelineTryAnswer> {
  const prefix = await deps.routePrefix(input.clusterId, input.app);
  if (prefix === null)
    throw new RaydeckError({
      code: 'not_found',
      message: `Ray runs no application "${input.app}" with an HTTP route on this cluster: deploy the pipeline first (Deploy, or raydeck serve apply)`,
    });
  const path = joinRoute(prefix, input.route);
  const started = Date.now();
  const answer = await deps.post(
    input.clusterId,
    path,
    JSON.stringify(input.body),
    input.timeoutMs,
  );
  const elapsedMs = Date.now() - started;
  let body: unknown = answer.text;
  try {
    body = JSON.parse(answer.text);
  } catch {
    // Serve's own errors (404, 503 while replicas start) are plain text: shown as they are
  }
  return { status: answer.status, body, timings_ms: timingsOf(body), elapsedMs, path };
}
