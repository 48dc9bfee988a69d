/**
 * remote/scripts/metrics-stream.sh run here (bash, python3) against a local HTTP server on
 * 127.0.0.1 serving the live Ray 2.60 page: it sends the wanted families' lines (all of them, in
 * page order, nothing else), `--same--` for an unchanged page, the changed page again, and
 * `--error--` for a page it cannot read; bad input is refused. What the monitor computes from the
 * kept part equals what it computes from the whole page. The reader's framing and bound too.
 * Every process started here is ended by its process group id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_CHARS, MetricsStreamReader, type MetricsStreamEvent } from './metrics-stream';
import { PromTextParser } from './prometheus-text';
import { SERVE_METRIC_FAMILIES, SERVE_METRIC_PREFIXES, ServeMetrics } from './serve-metrics';
import { SeriesStore } from './series-store';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'remote/scripts/metrics-stream.sh');
const PAGE = fs.readFileSync(
  path.join(__dirname, 'fixtures/ray-2.60-serve-llm-cpu-metrics.txt'),
  'utf8',
);
/** The page with every request counter raised by `add`. */
const later = (add: number) =>
  PAGE.replace(
    /^(ray_serve_deployment_request_counter_total\{[^\n]*\}) ([0-9.e+]+)$/gm,
    (_, s: string, v: string) => `${s} ${Number(v) + add}`,
  );

const started: ChildProcess[] = [];
const servers: http.Server[] = [];
afterAll(() => {
  for (const p of started)
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      /* the group has ended */
    }
  for (const s of servers) s.close();
});

/** A server answering the i-th GET with bodies[i] (a number: that HTTP status), the last one after. */
async function serve(bodies: (string | number)[]): Promise<number> {
  let i = 0;
  const server = http.createServer((_req, res) => {
    const b = bodies[Math.min(i++, bodies.length - 1)]!;
    if (typeof b === 'number') res.writeHead(b).end();
    else res.end(b);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Runs the script until `count` events came (bounded by 15 s); its lines and events. */
function run(input: unknown, count: number) {
  const p = spawn('bash', [SCRIPT], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(p);
  p.stdin!.end(JSON.stringify(input));
  const reader = new MetricsStreamReader();
  const lines: string[] = [];
  const events: Exclude<MetricsStreamEvent, null>[] = [];
  let buf = '';
  return new Promise<{ lines: string[]; events: typeof events; code: number | null }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`stuck: ${lines.slice(-5).join('\n')}`)),
        15_000,
      );
      const done = (code: number | null) => {
        clearTimeout(timer);
        try {
          process.kill(-p.pid!, 'SIGTERM');
        } catch {
          /* ended */
        }
        resolve({ lines, events, code });
      };
      p.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          lines.push(line);
          const ev = reader.push(line);
          if (ev) events.push(ev);
          if (events.length >= count) return done(null);
        }
      });
      p.on('exit', (code) => done(code));
    },
  );
}

const wanted = (line: string) =>
  line.startsWith('#')
    ? SERVE_METRIC_FAMILIES.some((f) => new RegExp(`^# (HELP|TYPE) ${f} `).test(line))
    : SERVE_METRIC_FAMILIES.some((f) =>
        new RegExp(`^${f}(_bucket|_sum|_count|_total|_created)?[{ ]`).test(line),
      );

describe('metrics-stream.sh', () => {
  it('sends the wanted families of the page, --same-- while it does not change, the next page, and read errors', async () => {
    const port = await serve([PAGE, PAGE, later(10), 500]);
    const input = { port, periodMs: 100, families: SERVE_METRIC_FAMILIES };
    const { lines, events } = await run(input, 4);
    expect(lines[0]).toBe('{"kind":"started","stream":"metrics","periodMs":100}');
    expect(events.map((e) => e.kind)).toEqual(['page', 'same', 'page', 'error']);
    const [first, , next, error] = events as unknown as [
      { page: string },
      unknown,
      { page: string },
      { message: string },
    ];
    // Exactly the wanted lines of the page, in its order.
    expect(first.page).toBe(`${PAGE.split('\n').filter(wanted).join('\n')}\n`);
    expect(first.page.length).toBeLessThan(PAGE.length / 8);
    expect(next.page).toBe(`${later(10).split('\n').filter(wanted).join('\n')}\n`);
    expect(error.message).toMatch(/500/);

    // The monitor reads the same from the kept part as from the whole page.
    const values = (pages: string[]) => {
      const m = new ServeMetrics(new SeriesStore());
      const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
      pages.forEach((p, k) => m.ingest('n1', parser.parse(p), 1000 * (k + 1)));
      const t = m.tick(1000 * pages.length, 3000);
      return { deployments: [...t.deployments], replicas: [...t.replicas] };
    };
    const whole = values([PAGE, later(10)]);
    expect(whole.deployments.length).toBeGreaterThan(1);
    expect(whole.deployments.some(([, v]) => (v.rps ?? 0) > 0)).toBe(true);
    expect(values([first.page, next.page])).toEqual(whole);
  });

  it('refuses bad input', async () => {
    for (const input of [
      { port: 0, families: ['a'] },
      { port: 8080, families: ['a b'] },
      { port: 8080, periodMs: 5, families: ['a'] },
      { port: 8080, families: [] },
    ]) {
      const { lines, code } = await run(input, 99);
      expect(code).toBe(2);
      expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'error' });
    }
  });
});

describe('metrics stream reader', () => {
  it('frames pages, --same-- once there is a page, not after an error, drops an endless page', () => {
    const r = new MetricsStreamReader();
    expect(r.push('--same--')).toBeNull(); // nothing to repeat yet
    expect(r.push('a 1')).toBeNull();
    expect(r.push('--page--')).toEqual({ kind: 'page', page: 'a 1\n' });
    expect(r.push('--same--')).toEqual({ kind: 'same' });
    expect(r.push('--error-- refused')).toEqual({ kind: 'error', message: 'refused' });
    expect(r.push('--same--')).toBeNull();
    expect(r.push('--page--')).toEqual({ kind: 'page', page: '' });
    const big = 'x'.repeat(1 << 20);
    let ev: MetricsStreamEvent = null;
    for (let i = 0; i <= MAX_PAGE_CHARS >> 20 && !ev; i++) ev = r.push(big);
    expect(ev).toMatchObject({ kind: 'error' });
    expect(r.push('rest of it 1')).toBeNull();
    expect(r.push('--page--')).toBeNull(); // the dropped page is not handed over in part
    expect(r.push('b 2')).toBeNull();
    expect(r.push('--page--')).toEqual({ kind: 'page', page: 'b 2\n' });
  });
});
