/**
 * Benchmark: core/monitor/prometheus-text.ts against the npm Prometheus parsers
 * (`parse-prometheus-text-format`, `prom2javascript`) on the same ~1 MiB Ray 2.60 `/metrics`
 * page (bench/prometheus-payload.ts) and its later scrapes (the same lines, values moved), in
 * one process, labels parsed by all of them (every parser returns label objects). Raydeck's
 * parser is measured cold (a fresh parser per page: every label set parsed from text), warm (one
 * parser reused across the scrapes, as a node's collector does: a line repeating the previous
 * scrape's name and labels has only its value read), and warm from the page's bytes (what the
 * collector really gets: a Buffer, decoded inside).
 *
 * Each round runs every parser once, in a shuffled order, as a batch of consecutive parses
 * (about 40 ms of work, so a short parse is not one scheduler slice's worth of noise), each batch
 * after a scavenge of the previous batch's young garbage and a pause for the GC's helper threads
 * (a major GC of older garbage falls on whichever batch V8 runs it in); every parser reads the
 * same scrapes. Per parse it records the process's CPU time (all threads: the parse's own GC work
 * counts, another process's load does not) and wall time, and prints median and min of both; the
 * target (>= 10x the faster npm parser) is judged on the ratio of CPU-time medians, warm parse.
 *
 *   npm run bench:prom                # 30 rounds
 *   npm run bench:prom -- --rounds 60
 */
import { setTimeout as sleep } from 'node:timers/promises';
import parsePromText from 'parse-prometheus-text-format';
import { getMetricsFromIterator } from 'prom2javascript';
import {
  PromTextParser,
  parsePrometheusText,
  type ParsedPage,
} from '../core/monitor/prometheus-text';
import { rayPage, rayPageLater } from './prometheus-payload';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const rounds = arg('rounds', 30);
const gc = (globalThis as { gc?: (opts?: { type: 'minor' | 'major' }) => void }).gc;
const SCRAPES = 8;
const pages = Array.from({ length: SCRAPES }, (_, k) => rayPageLater(rayPage(), k));
const pageBytes = pages.map((p) => Buffer.from(p, 'utf8'));
/** The scrape every parser reads next (all read the same one in a round). */
let scrape = 0;

/** Touches what a consumer reads of each sample (name, every label, value, timestamp). */
function consume(r: ParsedPage): number {
  let n = 0;
  for (const s of r.samples) {
    n += s.name.length + (s.timestamp ?? 0) + (s.value === s.value ? 1 : 0);
    for (const k in s.labels) n += s.labels[k]!.length;
  }
  return n;
}

type Runner = { name: string; run: () => Promise<number> | number; batch: number };
const warm = new PromTextParser();
const warmBytes = new PromTextParser();
const NPM = ['parse-prometheus-text-format', 'prom2javascript'];
const WARM = 'raydeck warm (repeated lines)';
const runners: Runner[] = [
  { name: NPM[0]!, batch: 1, run: () => parsePromText(pages[scrape]!).length },
  {
    name: NPM[1]!,
    batch: 1,
    run: async () =>
      Object.keys(await getMetricsFromIterator(pages[scrape]!.split('\n')[Symbol.iterator]()))
        .length,
  },
  {
    name: 'raydeck cold (fresh parser)',
    batch: 1,
    run: () => consume(parsePrometheusText(pages[scrape]!)),
  },
  { name: WARM, batch: 1, run: () => consume(warm.parse(pages[scrape]!)) },
  {
    name: 'raydeck warm, from bytes',
    batch: 1,
    run: () => consume(warmBytes.parse(pageBytes[scrape]!)),
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const min = (xs: number[]) => Math.min(...xs);

/** A deterministic shuffle per round (xorshift), so runs are comparable. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let x = seed * 2654435761 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function main() {
  const samples = parsePrometheusText(pages[0]!).samples.length;
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2));
  console.log(
    `payload: ${pageBytes[0]!.length} bytes, ${samples} samples, ${SCRAPES} scrapes of it; ${rounds} rounds; node ${process.version}; load average ${load.join(' ')}`,
  );
  if (!gc) console.log('(no --expose-gc: parsers pay for each other’s garbage)');
  const wall = new Map<string, number[]>(runners.map((r) => [r.name, []]));
  const cpu = new Map<string, number[]>(runners.map((r) => [r.name, []]));
  // Warm up the JIT, then size each parser's batch to about 40 ms of work.
  for (const r of runners) {
    for (scrape = 0; scrape < SCRAPES; scrape++) await r.run();
    const t0 = performance.now();
    for (scrape = 0; scrape < SCRAPES; scrape++) await r.run();
    r.batch = Math.max(1, Math.round(40 / ((performance.now() - t0) / SCRAPES)));
  }
  console.log(`parses per batch: ${runners.map((r) => `${r.name} ${r.batch}`).join(', ')}`);
  for (let round = 0; round < rounds; round++)
    for (const r of shuffled(runners, round + 1)) {
      // Each batch starts with the previous one's young garbage collected (a scavenge; a forced
      // full GC would leave the new space shrunk and cost the next batch its regrowth: measured
      // 2-4x on the warm parse), and the GC's helper threads idle before the clock starts.
      gc?.({ type: 'minor' });
      await sleep(5);
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < r.batch; k++) {
        scrape = (round * r.batch + k) % SCRAPES;
        await r.run();
      }
      wall.get(r.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6 / r.batch);
      const c = process.cpuUsage(c0);
      cpu.get(r.name)!.push((c.user + c.system) / 1000 / r.batch);
    }
  const fmt = (v: number) => v.toFixed(2).padStart(7);
  const npmBest = (m: Map<string, number[]>, f: (xs: number[]) => number) =>
    Math.min(...NPM.map((n) => f(m.get(n)!)));
  const ratio = (m: Map<string, number[]>, f: (xs: number[]) => number, name: string) =>
    `${(npmBest(m, f) / f(m.get(name)!)).toFixed(1)}x`.padStart(6);
  console.log(
    `${'parser'.padEnd(32)} ${'CPU median'.padStart(12)} ${'CPU min'.padStart(18)} ${'wall median'.padStart(18)} ${'wall min'.padStart(18)}   (ms; ratio = faster npm / this)`,
  );
  for (const r of runners) {
    const c = cpu.get(r.name)!;
    const w = wall.get(r.name)!;
    console.log(
      `${r.name.padEnd(32)} ${fmt(median(c))} ${ratio(cpu, median, r.name)} ${fmt(min(c))} ${ratio(cpu, min, r.name)} ${fmt(median(w))} ${ratio(wall, median, r.name)} ${fmt(min(w))} ${ratio(wall, min, r.name)}`,
    );
  }
  const judged = npmBest(cpu, median) / median(cpu.get(WARM)!);
  console.log(
    `target: warm parse >= 10x the faster npm parser by CPU-time median: ${judged.toFixed(1)}x — ${judged >= 10 ? 'met' : 'NOT met'}`,
  );
}

void main();
