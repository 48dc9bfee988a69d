/**
 * A hand-written, single-pass parser of the Prometheus text exposition format (what Ray's
 * metrics export port serves): `# HELP` / `# TYPE`, label values with `\\`, `\"` and `\n`
 * escapes, NaN / +Inf / -Inf, optional timestamps, histogram and summary families
 * (`_bucket` / `_sum` / `_count`). It walks the page once with charCodeAt / indexOf; every string
 * it keeps beyond the page's own result (interned labels) is a flat copy (`detach`), never a
 * slice pinning a whole 1 MiB page in memory.
 *
 * A parser is reused for a node's scrapes: label sets are interned (the raw `{...}` text looked
 * up in a bounded map), and a line that repeats the previous page's line at that sample position
 * up to its value (compared as one block) has only its value and timestamp read; a comment line
 * that repeats the previous page's is not read again. Names, labels and families come out the
 * same as from a fresh parser (tested). A `keep` filter skips whole lines by metric-name prefix
 * before looking at their labels. Malformed lines are skipped and reported (a scrape never throws).
 * Lexical pieces (numbers, escapes, comment lines) are in prometheus-lexical.ts.
 */

import {
  BACKSLASH,
  COMMA,
  CR,
  EQ,
  HASH,
  LBRACE,
  QUOTE,
  SP,
  TAB,
  UNDERSCORE,
  comment,
  detach,
  isNameChar,
  parseNumber,
  sameAt,
  unescapeLabel,
  type CommentMeta,
} from './prometheus-lexical';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
export type Labels = Readonly<Record<string, string>>;

export class PromSample {
  constructor(
    readonly name: string,
    readonly labels: Labels,
    /** The raw label text between the braces ('' without labels): equal text, same labels object. */
    readonly labelKey: string,
    readonly value: number,
    /** Milliseconds since the epoch, as written on the line; null when the line has none. */
    readonly timestamp: number | null,
  ) {}
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: PromSample[];
}

export interface ParseProblem {
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface ParsedPage {
  samples: PromSample[];
  /** In the order they first appear. */
  families: MetricFamily[];
  problems: ParseProblem[];
}

export interface ParserOptions {
  /** Only metric names starting with one of these are parsed (default: all). */
  keepPrefixes?: readonly string[];
  /** Interned label sets kept before the table is cleared (default 20,000). */
  maxInterned?: number;
}

const EMPTY_LABELS: Labels = Object.freeze({});
const SUFFIXES: Record<MetricType, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  counter: ['_total', '_created'],
  gauge: [],
  untyped: [],
};

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export class PromTextParser {
  private readonly interned = new Map<string, Labels>();
  private readonly strings = new Map<string, string>();
  private readonly keyStrings = new Map<string, string>();
  /** The label keys and sets of the previous page by sample position: a node's next page mostly repeats them. */
  private prevKeys: string[] = [];
  /** The previous page's sample lines up to their value: a line that starts the same needs only its value read. */
  private prevLines: (LineMemo | undefined)[] = [];
  private prevLabels: Labels[] = [];
  /** The previous page's comment lines by comment position, with what they said. */
  private prevComments: CommentMemo[] = [];
  /**
   * The memo arrays of the page before the previous one, refilled by the next parse: new arrays
   * per page lived a period and were promoted garbage on a fleet (512 nodes, every second).
   */
  private spare: Memos = { keys: [], sets: [], lines: [], comments: [] };
  private readonly maxInterned: number;
  private readonly keep: readonly string[] | null;

  constructor(opts: ParserOptions = {}) {
    this.maxInterned = opts.maxInterned ?? 20_000;
    this.keep = opts.keepPrefixes ?? null;
  }

  /** How many label sets are interned now. */
  get internedCount(): number {
    return this.interned.size;
  }

  parse(input: string | Uint8Array): ParsedPage {
    const text =
      typeof input === 'string'
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    const n = text.length;
    const samples: PromSample[] = [];
    const families: MetricFamily[] = [];
    const byName = new Map<string, MetricFamily>();
    const problems: ParseProblem[] = [];
    const keep = this.keep;
    let current: MetricFamily | null = null;
    const prevKeys = this.prevKeys;
    const prevLabels = this.prevLabels;
    // Refilled by position and cut to this page's length at the end; a stale entry past what
    // this page wrote is only ever compared with the text, like any memo.
    const { keys, sets, lines, comments } = this.spare;
    let commentCount = 0;
    const prevLines = this.prevLines;
    const prevComments = this.prevComments;
    let lineNo = 0;
    let i = 0;

    const familyOf = (name: string): MetricFamily => {
      let f = byName.get(name);
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] };
        byName.set(name, f);
        families.push(f);
      }
      return f;
    };

    /**
     * Places the sample named src[a, b) in its family, which becomes the current one: the current
     * family (its name or an allowed suffix), else the family of that name or of its base name,
     * else a new untyped one. The sample's name, interned with its family.
     */
    const place = (src: string, a: number, b: number): string => {
      let k = current ? suffixIndex(src, a, b, current) : -1;
      if (k >= 0) return nameOf(current!, k);
      const name = src.slice(a, b);
      let family = byName.get(name) ?? byName.get(baseName(name)) ?? null;
      if (family && family.name !== name) {
        k = SUFFIXES[family.type].indexOf(name.slice(family.name.length));
        if (k < 0) family = null;
      }
      current = family ?? familyOf(detach(name));
      return current.name === name ? current.name : nameOf(current, k + 1);
    };

    while (i < n) {
      lineNo++;
      // Fast path: the same name and labels (the same text up to the value) as the previous
      // page's line at this sample position: only the value and timestamp are read.
      const memo = prevLines[samples.length];
      if (memo !== undefined && sameAt(text, memo.prefix, i)) {
        const q = i + memo.prefix.length;
        let end = text.indexOf('\n', q);
        if (end < 0) end = n;
        const e = end > q && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        const value = readValue(text, q, e);
        if (value !== undefined) {
          // Its family is placed as on the slow path (this page's TYPE lines decide, not the
          // memo's): when the current family is the memo's, by name and type, it is that one.
          const name =
            current !== null && current.name === memo.family && current.type === memo.type
              ? memo.name
              : place(memo.name, 0, memo.name.length);
          lines[samples.length] = memo;
          const s = new PromSample(name, memo.labels, memo.labelKey, value, scratchTimestamp);
          samples.push(s);
          current!.samples.push(s);
          i = end + 1;
          continue;
        }
      }
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      const next = end + 1;
      let e = end;
      if (e > i && text.charCodeAt(e - 1) === CR) e--;
      let p = i;
      let c = text.charCodeAt(p);
      while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
      if (p === e) {
        i = next;
        continue;
      }
      if (c === HASH) {
        // A comment line the previous page had at this comment position is not read again.
        let cm = prevComments[commentCount];
        if (cm === undefined || cm.line.length !== e - i || !sameAt(text, cm.line, i)) {
          const parsed = comment(text, p + 1, e);
          cm = {
            line: detach(text.slice(i, e)),
            meta: parsed && (!keep || keep.some((k) => parsed.name.startsWith(k))) ? parsed : null,
          };
        }
        comments[commentCount++] = cm;
        const meta = cm.meta;
        if (meta) {
          const f = familyOf(meta.name);
          if (meta.kind === 'TYPE') {
            if (TYPES.has(meta.text)) f.type = meta.text as MetricType;
            else problems.push({ line: lineNo, message: `unknown metric type '${meta.text}'` });
          } else f.help = meta.text;
          current = f;
        }
        i = next;
        continue;
      }
      if (keep && !keptAt(text, p, keep)) {
        i = next;
        continue;
      }
      // Metric name.
      const nameStart = p;
      while (p < e && isNameChar(text.charCodeAt(p))) p++;
      if (p === nameStart) {
        problems.push({ line: lineNo, message: 'expected a metric name' });
        i = next;
        continue;
      }
      const nameEnd = p;
      c = text.charCodeAt(p);
      while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
      // Labels: the set ends at the line's last '}' (only the value and timestamp follow it).
      let labels = EMPTY_LABELS;
      let labelKey = '';
      if (p < e && c === LBRACE) {
        const close = text.lastIndexOf('}', e - 1);
        if (close <= p) {
          problems.push({ line: lineNo, message: 'unterminated label set' });
          i = next;
          continue;
        }
        const at = samples.length;
        const prev = prevKeys[at];
        if (prev !== undefined && prev.length === close - p - 1 && sameAt(text, prev, p + 1)) {
          labelKey = prev;
          labels = prevLabels[at]!;
        } else {
          labelKey = text.slice(p + 1, close);
          const hit = this.interned.get(labelKey);
          if (hit) {
            labels = hit;
            labelKey = this.keyOf(labelKey);
          } else {
            const parsed = this.labels(text, p + 1, close);
            if (typeof parsed === 'string') {
              problems.push({ line: lineNo, message: parsed });
              i = next;
              continue;
            }
            if (this.interned.size >= this.maxInterned) {
              this.interned.clear();
              this.strings.clear();
              this.keyStrings.clear();
            }
            labelKey = detach(labelKey);
            this.interned.set(labelKey, parsed);
            this.keyStrings.set(labelKey, labelKey);
            labels = parsed;
          }
        }
        keys[samples.length] = labelKey;
        sets[samples.length] = labels;
        p = close + 1;
        c = text.charCodeAt(p);
        while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
      }
      // Value, then an optional timestamp.
      const vStart = p;
      while (p < e && (c = text.charCodeAt(p)) !== SP && c !== TAB) p++;
      const value = parseNumber(text, vStart, p);
      if (value === undefined) {
        problems.push({ line: lineNo, message: `bad value '${text.slice(vStart, p)}'` });
        i = next;
        continue;
      }
      while (p < e && ((c = text.charCodeAt(p)) === SP || c === TAB)) p++;
      let timestamp: number | null = null;
      if (p < e) {
        const tStart = p;
        while (p < e && (c = text.charCodeAt(p)) !== SP && c !== TAB) p++;
        const t = parseNumber(text, tStart, p);
        if (t === undefined || !Number.isInteger(t) || p < e) {
          problems.push({ line: lineNo, message: `bad timestamp '${text.slice(tStart, e)}'` });
          i = next;
          continue;
        }
        timestamp = t;
      }
      const name = place(text, nameStart, nameEnd);
      const m = prevLines[samples.length];
      lines[samples.length] =
        m !== undefined &&
        m.name === name &&
        m.family === current!.name &&
        m.type === current!.type &&
        m.labelKey === labelKey &&
        sameAt(text, m.prefix, i)
          ? m
          : {
              prefix: detach(text.slice(i, vStart)),
              name,
              family: current!.name,
              type: current!.type,
              labels,
              labelKey,
            };
      const s = new PromSample(name, labels, labelKey, value, timestamp);
      samples.push(s);
      current!.samples.push(s);
      i = next;
    }
    if (lines.length > samples.length) lines.length = samples.length;
    if (keys.length > samples.length) keys.length = samples.length;
    if (sets.length > samples.length) sets.length = samples.length;
    if (comments.length > commentCount) comments.length = commentCount;
    this.spare = {
      keys: this.prevKeys,
      sets: this.prevLabels,
      lines: this.prevLines,
      comments: this.prevComments,
    };
    this.prevKeys = keys;
    this.prevLines = lines;
    this.prevLabels = sets;
    this.prevComments = comments;
    return { samples, families, problems };
  }

  /** The interned (flat) copy of a label key. */
  private keyOf(key: string): string {
    return this.keyStrings.get(key) ?? key;
  }

  /** A flat, shared copy of a label name or value. */
  private str(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) {
      v = detach(s);
      this.strings.set(v, v);
    }
    return v;
  }

  /** Parses `a="x",b="y"` between p and e; a message when it is malformed. */
  private labels(text: string, p: number, e: number): Labels | string {
    const out: Record<string, string> = {};
    for (;;) {
      let c = text.charCodeAt(p);
      while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
      if (p >= e) break;
      const ks = p;
      while (p < e && isNameChar((c = text.charCodeAt(p))) && c !== 58) p++;
      if (p === ks) return `expected a label name at '${text.slice(ks, Math.min(e, ks + 20))}'`;
      const key = this.str(text.slice(ks, p));
      while (p < e && ((c = text.charCodeAt(p)) === SP || c === TAB)) p++;
      if (c !== EQ) return `expected '=' after label ${key}`;
      p++;
      while (p < e && ((c = text.charCodeAt(p)) === SP || c === TAB)) p++;
      if (c !== QUOTE) return `expected '"' to open the value of label ${key}`;
      const vs = ++p;
      let escaped = false;
      for (;;) {
        p = text.indexOf('"', p);
        if (p < 0 || p >= e) return `unterminated value of label ${key}`;
        let b = p - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        if ((p - 1 - b) % 2 === 0) break; // an even run of backslashes: this quote closes
        escaped = true;
        p++;
      }
      const raw = text.slice(vs, p);
      if (!escaped && raw.includes('\\')) escaped = true;
      out[key] = this.str(escaped ? unescapeLabel(raw) : raw);
      p++;
      while (p < e && ((c = text.charCodeAt(p)) === SP || c === TAB)) p++;
      if (p < e) {
        if (c !== COMMA) return `expected ',' after label ${key}`;
        p++;
      }
    }
    return Object.freeze(out);
  }
}

interface LineMemo {
  /** The line from its start up to its value (name, labels, spaces), a flat copy. */
  prefix: string;
  name: string;
  /** The family it was placed in, and that family's type then. */
  family: string;
  type: MetricType;
  labels: Labels;
  labelKey: string;
}

interface Memos {
  keys: string[];
  sets: Labels[];
  lines: (LineMemo | undefined)[];
  comments: CommentMemo[];
}

interface CommentMemo {
  /** The whole line, a flat copy. */
  line: string;
  /** Its `# HELP` / `# TYPE` (null: another comment, or a family the keep filter drops). */
  meta: CommentMeta | null;
}

/** The timestamp readValue found (null: none); a module scratch slot, so the fast path allocates nothing. */
let scratchTimestamp: number | null = null;

/** The value (and timestamp, into scratchTimestamp) from q to the line end e; undefined when malformed. */
function readValue(text: string, q: number, e: number): number | undefined {
  let c: number;
  const vStart = q;
  while (q < e && (c = text.charCodeAt(q)) !== SP && c !== TAB) q++;
  const value = parseNumber(text, vStart, q);
  if (value === undefined) return undefined;
  while (q < e && ((c = text.charCodeAt(q)) === SP || c === TAB)) q++;
  scratchTimestamp = null;
  if (q < e) {
    const tStart = q;
    while (q < e && (c = text.charCodeAt(q)) !== SP && c !== TAB) q++;
    const t = parseNumber(text, tStart, q);
    if (t === undefined || !Number.isInteger(t) || q < e) return undefined;
    scratchTimestamp = t;
  }
  return value;
}

/** Parses a page with a fresh parser (nothing interned from earlier pages). */
export const parsePrometheusText = (input: string | Uint8Array, opts?: ParserOptions): ParsedPage =>
  new PromTextParser(opts).parse(input);

function keptAt(text: string, p: number, keep: readonly string[]): boolean {
  for (const k of keep) if (text.startsWith(k, p)) return true;
  return false;
}

/** -1: not this family; 0: its name; k + 1: its name with suffix k of its type. */
function suffixIndex(text: string, a: number, b: number, f: MetricFamily): number {
  const name = f.name;
  const len = name.length;
  if (b - a < len || !text.startsWith(name, a)) return -1;
  if (b - a === len) return 0;
  if (text.charCodeAt(a + len) !== UNDERSCORE) return -1;
  const rest = b - a - len;
  const suffixes = SUFFIXES[f.type];
  for (let k = 0; k < suffixes.length; k++) {
    const s = suffixes[k]!;
    if (s.length === rest && text.startsWith(s, a + len)) return k + 1;
  }
  return -1;
}

const baseName = (name: string) => {
  const u = name.lastIndexOf('_');
  return u > 0 ? name.slice(0, u) : name;
};

/** A family's sample names (its name, then name + each suffix), built once per family. */
const familyNames = new WeakMap<MetricFamily, string[]>();
function nameOf(f: MetricFamily, k: number): string {
  if (k === 0) return f.name;
  let names = familyNames.get(f);
  if (!names || names.length !== SUFFIXES[f.type].length + 1) {
    names = [f.name, ...SUFFIXES[f.type].map((s) => f.name + s)];
    familyNames.set(f, names);
  }
  return names[k]!;
}
