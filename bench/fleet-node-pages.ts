/**
 * What a fleet node's metrics-stream.sh sends, for the fleet bench: the real script
 * (remote/scripts/metrics-stream.sh, bash + python3) run here against a local HTTP server on
 * 127.0.0.1 that serves a node's whole Ray 2.60 page (the live capture, ~1 MiB) with its values
 * moved once per scrape, as a node under load has them. Returns, per scrape, the output lines the
 * script printed for it (the kept lines and `--page--`), which the bench then feeds through the
 * collector's own framing each simulated second. The script runs in its own process group and is
 * ended by that group's id.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVE_METRIC_FAMILIES } from '../core/monitor/serve-metrics';
import { rayPageLater } from './prometheus-payload';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(ROOT, 'remote/scripts/metrics-stream.sh');
const CAPTURE = path.join(ROOT, 'core/monitor/fixtures/ray-2.60-serve-llm-cpu-metrics.txt');

/** The node's whole page at scrape k: every finite value of a sample line moved (counters grow). */
export function nodePage(k: number): string {
  return rayPageLater(fs.readFileSync(CAPTURE, 'utf8'), k);
}

/** Runs metrics-stream.sh over `scrapes` moved pages; per scrape, the lines it printed. */
export async function nodeSends(
  scrapes: number,
): Promise<{ lines: string[][]; pageBytes: number }> {
  const pages = Array.from({ length: scrapes }, (_, k) => nodePage(k));
  let served = 0;
  const server = http.createServer((_req, res) => res.end(pages[served++ % scrapes]));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const p = spawn('bash', [SCRIPT], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  p.stdin.end(JSON.stringify({ port, periodMs: 100, families: SERVE_METRIC_FAMILIES }));
  const out: string[][] = [];
  let cur: string[] = [];
  let buf = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('metrics-stream.sh: no pages')), 60_000);
      p.on('exit', (code) => reject(new Error(`metrics-stream.sh ended (exit ${code})`)));
      p.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0 && out.length < scrapes) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.startsWith('{')) continue; // the started line
          if (line.startsWith('--error--') || line === '--same--')
            return reject(new Error(`metrics-stream.sh: ${line}`)); // every scrape moved
          cur.push(line);
          if (line === '--page--') {
            out.push(cur);
            cur = [];
          }
        }
        if (out.length >= scrapes) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    try {
      process.kill(-p.pid!, 'SIGTERM');
    } catch {
      /* ended */
    }
    server.close();
  }
  return { lines: out, pageBytes: Buffer.byteLength(pages[0]!) };
}
