/**
 * The lexical pieces of the Prometheus text parser (prometheus-text.ts): character codes, name
 * characters, numbers (a fast exact path for plain decimals), label and HELP unescaping, `# HELP`
 * / `# TYPE` comment lines, block comparison of a string at a position, and flat copies of
 * strings (so nothing a parser keeps pins a whole page).
 */

export const CR = 13;
export const SP = 32;
export const TAB = 9;
export const HASH = 35;
export const QUOTE = 34;
export const BACKSLASH = 92;
export const LBRACE = 123;
export const COMMA = 44;
export const EQ = 61;
export const UNDERSCORE = 95;

export const isNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * Whether `s` occurs in `text` at `p`. A slice compared with === is compared by V8 as one block
 * (memcmp on flat one-byte strings); `startsWith` walks it char by char, ~20x slower on the
 * ~350-character label prefixes of Ray's lines, which was 90% of a warm parse.
 */
export const sameAt = (text: string, s: string, p: number): boolean =>
  p + s.length <= text.length && text.slice(p, p + s.length) === s;

/** A flat copy of a string (a slice of a page would keep the whole page alive while interned). */
export function detach(s: string): string {
  if (s.length < 13) return s; // V8 copies short slices anyway
  const c = ` ${s}`;
  c.charCodeAt(1); // flattens the concatenation into a new flat string
  return c.slice(1);
}

export interface CommentMeta {
  kind: 'HELP' | 'TYPE';
  name: string;
  text: string;
}

/** `# HELP name text` / `# TYPE name type`; null for any other comment. */
export function comment(text: string, p: number, e: number): CommentMeta | null {
  let c = text.charCodeAt(p);
  while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
  const kind = text.startsWith('HELP', p) ? 'HELP' : text.startsWith('TYPE', p) ? 'TYPE' : null;
  if (!kind || p + 4 >= e) return null;
  p += 4;
  c = text.charCodeAt(p);
  if (c !== SP && c !== TAB) return null;
  while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
  const nameStart = p;
  while (p < e && isNameChar(text.charCodeAt(p))) p++;
  if (p === nameStart) return null;
  const name = detach(text.slice(nameStart, p));
  c = text.charCodeAt(p);
  while (p < e && (c === SP || c === TAB)) c = text.charCodeAt(++p);
  if (kind === 'TYPE') {
    let te = e;
    while (te > p && ((c = text.charCodeAt(te - 1)) === SP || c === TAB)) te--;
    return { kind, name, text: text.slice(p, te) };
  }
  return { kind, name, text: unescapeHelp(text.slice(p, e)) };
}

/** A float: a fast exact path for plain decimals, Number() for the rest; undefined when not a number. */
export function parseNumber(text: string, a: number, b: number): number | undefined {
  if (a >= b) return undefined;
  let p = a;
  let neg = false;
  let c = text.charCodeAt(p);
  if (c === 45 || c === 43) {
    neg = c === 45;
    if (++p >= b) return undefined;
    c = text.charCodeAt(p);
  }
  if (c === 73 || c === 105 || c === 78 || c === 110) {
    const word = text.slice(p, b).toLowerCase();
    if (word === 'inf' || word === 'infinity') return neg ? -Infinity : Infinity;
    if (word === 'nan') return NaN;
    return undefined;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  while (p < b && (c = text.charCodeAt(p)) >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    digits++;
    p++;
  }
  if (p < b && c === 46) {
    p++;
    while (p < b && (c = text.charCodeAt(p)) >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      frac++;
      p++;
    }
  }
  if (digits === 0) return undefined;
  let exp = 0;
  if (p < b && (c === 101 || c === 69)) {
    p++;
    let eneg = false;
    c = text.charCodeAt(p);
    if (p < b && (c === 45 || c === 43)) {
      eneg = c === 45;
      p++;
    }
    const es = p;
    while (p < b && (c = text.charCodeAt(p)) >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      p++;
    }
    if (p === es) return undefined;
    if (eneg) exp = -exp;
  }
  if (p !== b) return undefined;
  const e10 = exp - frac;
  // Exact when the mantissa and the power of ten are both exact doubles (Clinger's fast path).
  if (digits <= 15 && e10 >= -22 && e10 <= 22) {
    const v = e10 < 0 ? mant / POW10[-e10]! : mant * POW10[e10]!;
    return neg ? -v : v;
  }
  const v = Number(text.slice(a, b));
  return Number.isNaN(v) ? undefined : v;
}

export function unescapeLabel(raw: string): string {
  let out = '';
  for (let j = 0; j < raw.length; j++) {
    const ch = raw[j];
    if (ch === '\\' && j + 1 < raw.length) {
      const nx = raw[++j];
      out += nx === 'n' ? '\n' : nx === '"' ? '"' : nx === '\\' ? '\\' : `\\${nx}`;
    } else out += ch;
  }
  return out;
}

function unescapeHelp(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let j = 0; j < raw.length; j++) {
    const ch = raw[j];
    if (ch === '\\' && j + 1 < raw.length) {
      const nx = raw[++j];
      out += nx === 'n' ? '\n' : nx === '\\' ? '\\' : `\\${nx}`;
    } else out += ch;
  }
  return out;
}
