/**
 * Benchmark: core/monitor/prometheus-text.ts against the npm Prometheus parsers
 * (`parse-prometheus-text-format`, `prom2javascript`) on the same ~1 MiB Ray 2.60 `/metrics`
 * page (bench/prometheus-payload.ts), in one run, interleaved round by round, labels parsed by
 * all of them (every parser returns label objects). Raydeck's parser is measured twice: cold (a
 * fresh parser per page: every label set parsed from text) and warm (one parser reused, as a
 * node's collector does every second: label sets interned). Prints the median of N rounds per
 * parser (CPU time, and wall time) and the ratios against the faster npm parser.
 *
 *   npm run bench:prom                # 30 rounds
 *   npm run bench:prom -- --rounds 60
 */
import parsePromText from 'parse-prometheus-text-format';
import { getMetricsFromIterator } from 'prom2javascript';
import { PromTextParser, parsePrometheusText } from '../core/monitor/prometheus-text';
import { rayPage } from './prometheus-payload';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const rounds = arg('rounds', 30);
const gc = (globalThis as { gc?: () => void }).gc;
const page = rayPage();

type Runner = { name: string; run: () => Promise<number> | number };
const warm = new PromTextParser();
const runners: Runner[] = [
  { name: 'parse-prometheus-text-format', run: () => parsePromText(page).length },
  {
    name: 'prom2javascript',
    run: async () =>
      Object.keys(await getMetricsFromIterator(page.split('\n')[Symbol.iterator]())).length,
  },
  {
    name: 'raydeck cold (fresh parser)',
    run: () => {
      const r = parsePrometheusText(page);
      let n = 0;
      for (const s of r.samples) n += Object.keys(s.labels).length; // the labels are real objects
      return n;
    },
  },
  {
    name: 'raydeck warm (interned labels)',
    run: () => {
      const r = warm.parse(page);
      let n = 0;
      for (const s of r.samples) n += Object.keys(s.labels).length;
      return n;
    },
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main() {
  const samples = parsePrometheusText(page).samples.length;
  console.log(
    `payload: ${Buffer.byteLength(page)} bytes, ${samples} samples; ${rounds} rounds; node ${process.version}`,
  );
  const times = new Map<string, number[]>(runners.map((r) => [r.name, []]));
  const cpu = new Map<string, number[]>(runners.map((r) => [r.name, []]));
  for (const r of runners) for (let w = 0; w < 5; w++) await r.run(); // warm up the JIT
  for (let round = 0; round < rounds; round++)
    for (const r of runners) {
      gc?.(); // each parser starts on a clean heap, not paying for the previous one's garbage
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await r.run();
      times.get(r.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.get(r.name)!.push((c.user + c.system) / 1000);
    }
  // CPU time is the primary measure: on a shared machine a short parse that loses its core for
  // a scheduler slice doubles in wall time, a long one barely moves. Wall time is printed too.
  const med = new Map([...times].map(([k, v]) => [k, median(v)]));
  const cmed = new Map([...cpu].map(([k, v]) => [k, median(v)]));
  const best = (m: Map<string, number>) =>
    Math.min(m.get(runners[0]!.name)!, m.get(runners[1]!.name)!);
  const npmCpu = best(cmed);
  const npmWall = best(med);
  for (const r of runners)
    console.log(
      `${r.name.padEnd(32)} CPU median ${cmed.get(r.name)!.toFixed(2).padStart(7)} ms (${(npmCpu / cmed.get(r.name)!).toFixed(1)}x)   wall median ${med.get(r.name)!.toFixed(2).padStart(7)} ms (${(npmWall / med.get(r.name)!).toFixed(1)}x), min ${Math.min(...times.get(r.name)!).toFixed(2)} ms`,
    );
  const ratio = (m: Map<string, number>, n: number, k: number) =>
    (n / m.get(runners[k]!.name)!).toFixed(1);
  console.log(
    `ratio faster npm / raydeck, CPU time: cold ${ratio(cmed, npmCpu, 2)}x, warm ${ratio(cmed, npmCpu, 3)}x; wall time: cold ${ratio(med, npmWall, 2)}x, warm ${ratio(med, npmWall, 3)}x (target >= 10x)`,
  );
}

void main();
