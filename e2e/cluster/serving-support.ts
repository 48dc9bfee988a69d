/**
 * What the serving cluster test's parts share: the Serve LLM config of CPU-RECIPE.md on the tiny
 * model (versions told apart by max_num_seqs), an app wanting 4 GPUs, and the checks that go
 * around Raydeck to Ray itself through the head's SSH connection: Ray's own Serve view and
 * HTTP requests to Serve's proxy on the head.
 */
import http from 'node:http';
import type { Operation, RaydeckClient } from '../../shared';
import type { Core } from '../../core/api/create-core';
import { dashboardFor } from '../../core/bringup/head-dashboard';
import { onNodeAsync, type TestbedNode } from '../support/testbed';

/** The Serve LLM app of CPU-RECIPE.md on the tiny model pushed above; `maxNumSeqs` tells versions apart. */
export function llmConfig(maxNumSeqs: number, extraApps = ''): string {
  return `# Ray Serve LLM on vLLM's CPU build (the testbed has no GPU)
proxy_location: EveryNode
http_options:
  host: 127.0.0.1
  port: 8000
applications:
  - name: llm
    route_prefix: /
    import_path: ray.serve.llm:build_openai_app
    args:
      ingress_deployment_config:
        ray_actor_options:
          num_cpus: 0
        autoscaling_config:
          upscale_delay_s: 2
          downscale_delay_s: 15
      llm_configs:
        - model_loading_config:
            model_id: tiny-llama
            model_source: /root/.raydeck/models/tiny-llama
          accelerator_config:
            kind: cpu
          engine_kwargs:
            dtype: bfloat16
            max_model_len: 512
            max_num_seqs: ${maxNumSeqs}
            enforce_eager: true
          runtime_env:
            env_vars:
              VLLM_CPU_KVCACHE_SPACE: "1"
              VLLM_TARGET_DEVICE: cpu
              VLLM_CPU_OMP_THREADS_BIND: nobind
              HF_HUB_OFFLINE: "1"
              VLLM_NO_USAGE_STATS: "1"
              DO_NOT_TRACK: "1"
          deployment_config:
            autoscaling_config:
              min_replicas: 1
              max_replicas: 1
${extraApps}`;
}

/** A second LLM app wanting 4 GPUs (tensor parallel 4) on a cluster of 2: its replica cannot be placed. */
export const BIG_APP = `  - name: big-llm
    route_prefix: /big
    import_path: ray.serve.llm:build_openai_app
    args:
      ingress_deployment_config:
        ray_actor_options:
          num_cpus: 0
      llm_configs:
        - model_loading_config:
            model_id: big
            model_source: /root/.raydeck/models/tiny-llama
          engine_kwargs:
            tensor_parallel_size: 4
`;

/** An application whose import path names a module no node has: Ray fails it (DEPLOY_FAILED). */
export const BROKEN_APP = `  - name: broken
    route_prefix: /broken
    import_path: raydeck_no_such_module:app
`;

/** Waits until an operation ends (bounded); returns it. */
export async function waitOperation(
  client: RaydeckClient,
  operationId: string,
  ms = 600_000,
): Promise<Operation> {
  const end = Date.now() + ms;
  for (;;) {
    const op = await client.call('operations.get', { id: operationId });
    if (op.state !== 'running') return op;
    if (Date.now() > end)
      throw new Error(`operation ${op.title} did not end in ${ms} ms: ${op.detail}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface RayServeApp {
  status: string;
  deployed_app_config: {
    args: { llm_configs: { engine_kwargs: Record<string, unknown> }[] };
  };
}

/** Ray's own view (not Raydeck's): GET /api/serve/applications/ through the head's tunnel. */
export async function rayServeApps(
  core: Core,
  headId: string,
): Promise<Record<string, RayServeApp>> {
  const conn = await core.access.lease(headId);
  try {
    const body = (await (await dashboardFor(conn)).request('GET', '/api/serve/applications/')) as {
      applications: Record<string, RayServeApp>;
    };
    return body.applications;
  } finally {
    conn.release();
  }
}

/** POSTs JSON to Serve's HTTP proxy on the head (port 8000) through the SSH tunnel. */
export async function postThroughHead(
  core: Core,
  headId: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const conn = await core.access.lease(headId);
  try {
    const stream = await conn.forwardOut('127.0.0.1', 8000);
    const payload = JSON.stringify(body);
    return await new Promise((resolve, reject) => {
      const req = http.request(
        {
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
          createConnection: () => stream as never,
          timeout: 120_000,
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            let parsed: Record<string, unknown>;
            try {
              parsed = JSON.parse(text || '{}');
            } catch {
              parsed = { text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  } finally {
    conn.release();
  }
}

/** An OpenAI chat request to the tiny model through the head. */
export async function chatThroughHead(
  core: Core,
  headId: string,
): Promise<{ status: number; body: { choices?: { message: { content: string } }[] } }> {
  return postThroughHead(core, headId, '/v1/chat/completions', {
    model: 'tiny-llama',
    messages: [{ role: 'user', content: 'hello' }],
    max_tokens: 8,
  }) as never;
}

/** What the node says when an engine dies: its shared memory and the Ray workers' last errors. */
export async function engineDiagnostics(node: TestbedNode): Promise<string> {
  return onNodeAsync(
    node,
    'df -h /dev/shm; ls -la /dev/shm | tail -n 12; free -m; ' +
      'grep -h -B3 -A25 "Traceback\\|Error\\|ERROR\\|died unexpectedly\\|Killed\\|SIGBUS" /tmp/ray/session_latest/logs/worker-*.err 2>/dev/null | tail -n 120',
    30_000,
  );
}
