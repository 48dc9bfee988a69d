/**
 * A bounded load generator for cluster tests, run on a testbed node against its own Serve proxy
 * (127.0.0.1:8000): `concurrency` curls at a time post one fixed OpenAI chat request (generating
 * `maxTokens` tokens, end-of-sequence ignored, so each request keeps the engine busy) until
 * `seconds` have passed, at most `maxRequests` in all, each bounded by 120 s; it always ends by
 * itself (after `seconds` plus the last requests' time).
 * On the node, not through the test's SSH tunnel: a connection's channels are shared with the
 * monitor's streams, which would cap the load at the channels left. Resolves with the answers'
 * counts by HTTP status (000: no answer) and when the load started by the node's clock.
 */
import { onNodeAsync, type TestbedNode } from './testbed';

export interface NodeLoad {
  model: string;
  concurrency: number;
  seconds: number;
  maxRequests: number;
  maxTokens: number;
}

/** The shell command that runs `load` against `url` on a node (or here, for its own test). */
export function loadCommand(load: NodeLoad, url: string): string {
  const whole = (n: number, hi: number) => Number.isInteger(n) && n > 0 && n <= hi;
  if (
    !/^[A-Za-z0-9._-]{1,64}$/.test(load.model) ||
    !whole(load.concurrency, 64) ||
    !whole(load.seconds, 600) ||
    !whole(load.maxRequests, 100_000) ||
    !whole(load.maxTokens, 4096) ||
    !/^http:\/\/127\.0\.0\.1:\d{1,5}\/[A-Za-z0-9/_.-]*$/.test(url)
  )
    throw new Error(`loadOnNode: bad load ${JSON.stringify(load)}`);
  const body = JSON.stringify({
    model: load.model,
    messages: [{ role: 'user', content: 'Count from one to one hundred.' }],
    max_tokens: load.maxTokens,
    ignore_eos: true,
    temperature: 0,
  });
  // Every value above is checked to be plain (numbers, a model name); body and script go in
  // base64. Each worker sends one request at a time until the deadline or its share is sent.
  const file = '/tmp/raydeck-load.json';
  const script = [
    'set -u',
    `end=$(( $(date +%s) + ${load.seconds} ))`,
    // When the first request goes out, by the node's clock (the testbed's nodes share the host's).
    'echo "started $(date +%s%3N)"',
    '{',
    `  for w in $(seq 1 ${load.concurrency}); do`,
    '    (',
    '      n=0',
    `      while [ "$(date +%s)" -lt "$end" ] && [ "$n" -lt ${Math.ceil(load.maxRequests / load.concurrency)} ]; do`,
    `        curl -s -o /dev/null -w '%{http_code}\\n' -m 120 -H 'content-type: application/json' -d @${file} ${url} || true`,
    '        n=$((n + 1))',
    '      done',
    '    ) &',
    '  done',
    '  wait',
    '} | sort | uniq -c',
  ].join('\n');
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  return (
    `printf %s ${b64(body)} | base64 -d > ${file} && ` +
    `printf %s ${b64(script)} | base64 -d > /tmp/raydeck-load.sh && bash /tmp/raydeck-load.sh`
  );
}

/** What the command printed: the answers by HTTP status, and when the load started. */
export function readLoadOutput(out: string): {
  byStatus: Record<string, number>;
  sent: number;
  startedAt: number | null;
} {
  const byStatus: Record<string, number> = {};
  let startedAt: number | null = null;
  for (const line of out.trim().split('\n')) {
    const m = /^\s*(\d+)\s+(\d{3})$/.exec(line);
    if (m) byStatus[m[2]!] = Number(m[1]);
    const t = /^started (\d{13})$/.exec(line);
    if (t) startedAt = Number(t[1]);
  }
  return { byStatus, sent: Object.values(byStatus).reduce((a, b) => a + b, 0), startedAt };
}

export async function loadOnNode(
  node: TestbedNode,
  load: NodeLoad,
  url = 'http://127.0.0.1:8000/v1/chat/completions',
): Promise<{ byStatus: Record<string, number>; sent: number; startedAt: number | null }> {
  return readLoadOutput(
    await onNodeAsync(node, loadCommand(load, url), (load.seconds + 180) * 1000),
  );
}
