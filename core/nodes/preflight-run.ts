/**
 * Runs preflight on one node: preflight.sh over the node's connection (with the head address
 * as JSON input), the node's clock timestamped as its first line arrives, the facts checked
 * against their schema, then the pure checklist of preflight.ts.
 */
import type { NodePreflight } from '../../shared';
import { scriptJson } from '../ssh/connection';
import type { NodeConnection } from '../ssh/types';
import { RAY_VERSION } from '../../shared';
import { type PreflightContext, evaluatePreflight } from './preflight';
import { ClockLine, type PreflightFacts, PreflightFacts as FactsSchema } from './preflight-facts';

export interface RunPreflightContext {
  nodeId: string;
  role: PreflightContext['role'];
  /** For workers: the head's address as they will dial it (tested from the node). */
  head?: { host: string; port: number };
  rayVersion?: string;
  otherGpuModels?: string[];
  signal?: AbortSignal;
  /** Local clock (ms since epoch); injectable for tests. */
  now?: () => number;
}

export interface PreflightOutcome extends NodePreflight {
  /** The raw facts, for bring-up decisions (vLLM build, `--num-gpus`) and support bundles. */
  facts: PreflightFacts;
}

export async function runPreflight(
  conn: NodeConnection,
  ctx: RunPreflightContext,
): Promise<PreflightOutcome> {
  const now = ctx.now ?? Date.now;
  await conn.ready();
  let clock: PreflightContext['clock'];
  const requestedAtMs = now();
  const result = await conn.runScript('preflight', {
    input: ctx.head ? { headHost: ctx.head.host, headPort: ctx.head.port } : {},
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onLine: (text, stream) => {
      if (clock || stream !== 'stdout') return;
      const receivedAtMs = now();
      try {
        const parsed = ClockLine.safeParse(JSON.parse(text));
        if (parsed.success) clock = { requestedAtMs, nodeMs: parsed.data.epochMs, receivedAtMs };
      } catch {
        // not the clock line
      }
    },
  });
  const parsed = FactsSchema.safeParse(scriptJson('preflight', result));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `preflight on ${conn.key} printed facts Raydeck cannot read (${issue?.path.join('.') || 'result'}: ${issue?.message ?? 'invalid'}).`,
    );
  }
  const facts = parsed.data;
  const checkContext: PreflightContext = {
    role: ctx.role,
    rayVersion: ctx.rayVersion ?? RAY_VERSION,
    otherGpuModels: ctx.otherGpuModels ?? [],
  };
  if (ctx.head) checkContext.head = ctx.head;
  if (clock) checkContext.clock = clock;
  return {
    nodeId: ctx.nodeId,
    at: new Date(now()).toISOString(),
    checks: evaluatePreflight(facts, checkContext),
    gpus: (facts.gpus?.list ?? []).map((g) => ({
      index: g.index,
      name: g.name ?? 'unknown GPU',
      memoryMiB: g.memoryMiB,
      uuid: g.uuid ?? '',
    })),
    facts,
  };
}
