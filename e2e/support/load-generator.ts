/**
 * A bounded load generator for cluster tests, run on a testbed node against its own Serve proxy
 * (127.0.0.1:8000): `concurrency` curls at a time post one fixed OpenAI chat request (generating
 * `maxTokens` tokens, end-of-sequence ignored, so each request keeps the engine busy) for
 * `seconds`, at most `maxRequests` in all, each bounded by 120 s; it always ends by itself.
 * On the node, not through the test's SSH tunnel: a connection's channels are shared with the
 * monitor's streams, which would cap the load at the channels left. Resolves with the answers'
 * counts by HTTP status (000: no answer).
 */
import { onNodeAsync, type TestbedNode } from './testbed';

export interface NodeLoad {
  model: string;
  concurrency: number;
  seconds: number;
  maxRequests: number;
  maxTokens: number;
}

export async function loadOnNode(
  node: TestbedNode,
  load: NodeLoad,
): Promise<{ byStatus: Record<string, number>; sent: number }> {
  const whole = (n: number, hi: number) => Number.isInteger(n) && n > 0 && n <= hi;
  if (
    !/^[A-Za-z0-9._-]{1,64}$/.test(load.model) ||
    !whole(load.concurrency, 64) ||
    !whole(load.seconds, 600) ||
    !whole(load.maxRequests, 100_000) ||
    !whole(load.maxTokens, 4096)
  )
    throw new Error(`loadOnNode: bad load ${JSON.stringify(load)}`);
  const body = JSON.stringify({
    model: load.model,
    messages: [{ role: 'user', content: 'Count from one to one hundred.' }],
    max_tokens: load.maxTokens,
    ignore_eos: true,
    temperature: 0,
  });
  // Every value above is checked to be plain (numbers, a model name); the body goes in base64.
  const file = '/tmp/raydeck-load.json';
  const command = [
    `printf %s ${Buffer.from(body).toString('base64')} | base64 -d > ${file}`,
    `timeout ${load.seconds} bash -c 'while :; do echo r; done' | head -n ${load.maxRequests}` +
      ` | xargs -P ${load.concurrency} -I{} curl -s -o /dev/null -w '%{http_code}\\n' -m 120` +
      ` -H 'content-type: application/json' -d @${file} http://127.0.0.1:8000/v1/chat/completions` +
      ' | sort | uniq -c',
  ].join(' && ');
  const out = await onNodeAsync(node, command, (load.seconds + 180) * 1000);
  const byStatus: Record<string, number> = {};
  for (const line of out.trim().split('\n')) {
    const m = /^\s*(\d+)\s+(\d{3})$/.exec(line);
    if (m) byStatus[m[2]!] = Number(m[1]);
  }
  return { byStatus, sent: Object.values(byStatus).reduce((a, b) => a + b, 0) };
}
