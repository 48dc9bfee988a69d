/**
 * Runs one bring-up step on a node as a detached job (the job runner remote/scripts/job/, uploaded
 * as one zipapp) and follows it to the end over one streaming exec: the node pushes log lines as
 * they are written. If the SSH connection drops meanwhile, the job keeps running on the node; this
 * waits for the connection to come back and follows again from the last byte it saw — never
 * starting the step twice.
 */
import { z } from 'zod';
import type { NodeConnection } from '../ssh/types';
import { resultLine } from '../ssh/connection/result-line';

const JobState = z.object({
  job: z.string(),
  state: z.enum(['running', 'exited', 'absent']),
  code: z.number().nullable(),
  log: z.string(),
  offset: z.number(),
});
type JobState = z.infer<typeof JobState>;
const LogChunk = z.object({ kind: z.literal('log'), data: z.string(), offset: z.number() });

/** Abort with this reason to stop following a job without cancelling it on the node. */
export const DETACH_REASON = 'raydeck-detach';

export type JobStep =
  'install' | 'start-head' | 'join' | 'stop' | 'uninstall' | 'drain' | 'model-fetch';

export interface JobRequest {
  /** Unique per run and step: the same name re-attaches, a new one starts afresh. */
  job: string;
  step: JobStep;
  params: Record<string, unknown>;
}

export interface JobOptions {
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** Give up after this long in total (the job itself is cancelled then). */
  timeoutMs?: number;
  /** Called when the connection dropped and the step is being re-attached. */
  onReattach?: (reason: string) => void;
  /** Wait between re-attach attempts (default 1 s). */
  retryMs?: number;
}

export class JobFailed extends Error {
  constructor(
    readonly code: number,
    readonly logTail: string,
  ) {
    super(`the step exited with code ${code}`);
    this.name = 'JobFailed';
  }
}

/** The node refused the request itself (bad parameters): retrying cannot help. */
export class JobRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobRefused';
  }
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}

function parseState(stdout: string): JobState {
  const json = resultLine('job.py', stdout);
  const err = (json as { error?: unknown }).error;
  if (typeof err === 'string') throw new JobRefused(err);
  return JobState.parse(json);
}

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Reads the node's Ray auth token (null when it has none); `ensure` makes one first when there is none. */
export async function readNodeToken(
  conn: NodeConnection,
  opts: { ensure?: boolean } = {},
): Promise<string | null> {
  const r = await conn.runScript('job', {
    input: { action: 'token', job: 'token', ...(opts.ensure ? { ensure: true } : {}) },
  });
  const parsed = z
    .object({ token: z.string().nullable() })
    .safeParse(resultLine('job.py token', r.stdout));
  if (!parsed.success) throw new Error('job.py token answered something unexpected');
  return parsed.data.token;
}

export async function runJob(
  conn: NodeConnection,
  req: JobRequest,
  opts: JobOptions = {},
): Promise<{ log: string; reattached: number }> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
  let offset = 0;
  let partial = '';
  let tail = '';
  let reattached = 0;
  const emit = (chunk: string) => {
    tail = (tail + chunk).slice(-16_000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) opts.onLog?.(l);
  };
  const cancel = () =>
    conn.runScript('job', { input: { action: 'cancel', job: req.job } }).catch(() => {});

  // `start` until the node has answered once (it attaches to a running or finished job), then `follow`.
  let started = false;
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) {
      // Closing the app detaches (the job runs on, to be re-attached later); anything else cancels it.
      if (opts.signal.reason !== DETACH_REASON) await cancel();
      throw new JobCancelled();
    }
    let state: JobState;
    try {
      const result = await conn.runScript('job', {
        input: {
          action: started ? 'follow' : 'start',
          follow: true,
          job: req.job,
          step: req.step,
          params: req.params,
          offset,
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
        maxOutputBytes: 64 * 1024,
        onLine: (line, stream) => {
          if (stream !== 'stdout') return;
          started = true;
          if (!line.startsWith('{"kind": "log"')) return;
          const chunk = LogChunk.safeParse(JSON.parse(line));
          if (chunk.success && chunk.data.offset > offset) {
            emit(chunk.data.data);
            offset = chunk.data.offset;
          }
        },
      });
      state = parseState(result.stdout);
      started = true;
    } catch (err) {
      if (err instanceof JobRefused) throw err;
      if (opts.signal?.aborted) continue; // cancels on the next turn
      // The connection dropped (or the exec failed): the job runs on; re-attach when it is back.
      reattached += 1;
      opts.onReattach?.(err instanceof Error ? err.message : String(err));
      await Promise.race([conn.ready().catch(() => {}), sleep(10_000, opts.signal)]);
      await sleep(opts.retryMs ?? 1000, opts.signal);
      continue;
    }
    if (state.state === 'exited') {
      if (partial) opts.onLog?.(partial);
      partial = '';
      if (state.code !== 0) throw new JobFailed(state.code ?? 1, tail);
      return { log: tail, reattached };
    }
    if (state.state === 'absent')
      throw new Error('the step vanished on the node (its job folder was removed)');
    // Still running after a bounded follow: follow again.
  }
  await cancel();
  throw new Error('the step did not finish in time and was cancelled');
}
