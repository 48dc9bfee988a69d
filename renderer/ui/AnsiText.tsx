/**
 * Log text with terminal colours drawn as colours, not as `\x1b[35m` (issue 19 item 4): the 16
 * xterm colours come from the theme (`--ansi-0` … `--ansi-15` in theme.css, the terminal's
 * palette), the 256-colour cube and true colour are computed. Lines are parsed in order so a
 * colour left open on one line carries to the next, as in a terminal.
 */
import { Fragment, useMemo, type CSSProperties } from 'react';
import { parseAnsi, type AnsiRun, type AnsiStyle } from '../../shared';

const LEVELS = [0, 95, 135, 175, 215, 255];
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** A palette index or '#rrggbb' as a CSS colour. */
export function ansiColor(c: number | string): string {
  if (typeof c === 'string') return c;
  if (c < 16) return `var(--ansi-${c})`;
  if (c < 232) {
    const i = c - 16;
    return `#${hex2(LEVELS[Math.floor(i / 36)]!)}${hex2(LEVELS[Math.floor(i / 6) % 6]!)}${hex2(LEVELS[i % 6]!)}`;
  }
  const g = 8 + (c - 232) * 10;
  return `#${hex2(g)}${hex2(g)}${hex2(g)}`;
}

function css(s: AnsiStyle): CSSProperties | undefined {
  const fg = s.inverse ? (s.bg ?? 'var(--bg)') : s.fg;
  const bg = s.inverse ? (s.fg ?? 'var(--text)') : s.bg;
  const out: CSSProperties = {};
  if (fg !== undefined)
    out.color = typeof fg === 'string' && fg.startsWith('var(') ? fg : ansiColor(fg);
  if (bg !== undefined)
    out.backgroundColor = typeof bg === 'string' && bg.startsWith('var(') ? bg : ansiColor(bg);
  if (s.bold) out.fontWeight = 600;
  if (s.dim) out.opacity = 0.7;
  if (s.italic) out.fontStyle = 'italic';
  if (s.underline) out.textDecoration = 'underline';
  return Object.keys(out).length ? out : undefined;
}

function Runs({ runs }: { runs: AnsiRun[] }) {
  return (
    <>
      {runs.map((r, i) => {
        const style = css(r.style);
        return style ? (
          <span key={i} className="ansi" style={style}>
            {r.text}
          </span>
        ) : (
          <Fragment key={i}>{r.text}</Fragment>
        );
      })}
    </>
  );
}

/** Lines joined with newlines (for a `<pre>`), colours rendered, escape codes never shown. */
export function AnsiLines({ lines }: { lines: readonly string[] }) {
  const parsed = useMemo(() => {
    let style: AnsiStyle = {};
    return lines.map((line) => {
      const p = parseAnsi(line, style);
      style = p.end;
      return p.runs;
    });
  }, [lines]);
  return (
    <>
      {parsed.map((runs, i) => (
        <Fragment key={i}>
          {i > 0 ? '\n' : null}
          <Runs runs={runs} />
        </Fragment>
      ))}
    </>
  );
}

/** One line on its own (no colour carried in from elsewhere). */
export function AnsiLine({ text }: { text: string }) {
  const runs = useMemo(() => parseAnsi(text).runs, [text]);
  return <Runs runs={runs} />;
}
