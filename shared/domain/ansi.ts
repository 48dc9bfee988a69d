/**
 * Terminal colour codes in text from the nodes (Ray's and pip's logs colour their output, e.g.
 * `\x1b[35m`): parsed into styled runs for the UI (xterm's 16 colours, the 256-colour cube and
 * true colour; bold, dim, italic, underline, inverse) and stripped for plain output (the CLI when
 * not on a terminal). Other escape sequences (cursor moves, erase line, window titles) carry no
 * text and are dropped. Pure: no DOM, no Node (issue 19 item 4).
 */

/** The style of a run of text; absent fields are the default. Colours: 0-255 (xterm palette) or '#rrggbb'. */
export interface AnsiStyle {
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiRun {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), and two-character ESC sequences.

const ESCAPES =
  /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;

/** Whether `text` holds any escape sequence (the cheap test before parsing). */
export function hasAnsi(text: string): boolean {
  return text.includes('\x1b') || text.includes('\x9b');
}

/**
 * `text` without any escape sequence; with `keepColours`, colour (SGR) sequences stay and a
 * reset is added at the end, so a line cannot leave a terminal coloured, move its cursor or set
 * its title.
 */
export function stripAnsi(text: string, opts: { keepColours?: boolean } = {}): string {
  if (!hasAnsi(text)) return text;
  if (!opts.keepColours) return text.replace(ESCAPES, '');
  let coloured = false;
  const kept = text.replace(
    ESCAPES,
    (seq: string, _params: string | undefined, final: string | undefined) => {
      if (final === 'm' && seq.startsWith('\x1b[')) {
        coloured = true;
        return seq;
      }
      return '';
    },
  );
  return coloured ? `${kept}\x1b[0m` : kept;
}

const hex = (n: number) => Math.max(0, Math.min(255, n)).toString(16).padStart(2, '0');

/** Applies one SGR parameter list (`1;31`, `38;5;208`, `38;2;255;0;0`) to a style. */
function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 22) {
      delete s.bold;
      delete s.dim;
    } else if (c === 23) delete s.italic;
    else if (c === 24) delete s.underline;
    else if (c === 27) delete s.inverse;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 49) delete s.bg;
    else if (c === 38 || c === 48) {
      const key = c === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5 && codes[i + 2] !== undefined) {
        s[key] = Math.max(0, Math.min(255, codes[i + 2]!));
        i += 2;
      } else if (codes[i + 1] === 2 && codes[i + 4] !== undefined) {
        s[key] = `#${hex(codes[i + 2]!)}${hex(codes[i + 3]!)}${hex(codes[i + 4]!)}`;
        i += 4;
      } else break;
    }
  }
  return s;
}

/**
 * Splits `text` into runs of one style each. `start` is the style in effect before the text (a
 * log line continues the colour its previous line left open); the style after the text is
 * returned with the runs, so a caller can carry it to the next line.
 */
export function parseAnsi(
  text: string,
  start: AnsiStyle = {},
): { runs: AnsiRun[]; end: AnsiStyle } {
  if (!hasAnsi(text)) return { runs: text ? [{ text, style: start }] : [], end: start };
  const runs: AnsiRun[] = [];
  let style = start;
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = runs[runs.length - 1];
    if (prev && prev.style === style) prev.text += t;
    else runs.push({ text: t, style });
  };
  for (const m of text.matchAll(ESCAPES)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm' && m[0].startsWith('\x1b[')) style = applySgr(style, m[1] ?? '');
  }
  push(text.slice(last));
  return { runs, end: style };
}
