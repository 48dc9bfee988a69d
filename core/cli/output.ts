/** Printing results the same way in every subcommand: a table or lines for people, JSON with --json. */
import { capLine, stripAnsi } from '../../shared';
import type { CliIo } from './cli-types';

export function printResult(io: CliIo, json: boolean, value: unknown, human: () => string[]): void {
  if (json) io.out(JSON.stringify(value, null, 2));
  else for (const line of human()) io.out(line);
}

/**
 * A line as the CLI writes it to a stream: text from the nodes carries terminal colour codes
 * (Ray's, pip's); a terminal shows the colours (and nothing else: no cursor moves, no titles),
 * while a pipe or a file gets plain text, never `\x1b[35m` (issue 19 item 4).
 */
export function forStream(stream: { isTTY?: boolean }, line: string): string {
  return stripAnsi(line, { keepColours: stream.isTTY === true });
}

/** A plain left-aligned text table. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)];
}

/**
 * Any error message as the one line the CLI prints: a multi-line message (a list of problems
 * under a heading) is joined as `heading item; item`, never spilled over several lines.
 */
export function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length <= 1) return capLine(lines[0] ?? 'failed (no reason given)', MAX_CLI_LINE);
  return capLine(`${lines[0]} ${lines.slice(1).join('; ')}`, MAX_CLI_LINE);
}

/** Most characters of one line the CLI prints from a node or an error (a terminal line or three). */
export const MAX_CLI_LINE = 300;

/** 41.2 s, 2 min 05 s: how long a step took. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
