/**
 * Validator findings as editor ranges: a diagnostic's 1-based line and column become a
 * CodeMirror range over the word it points at (the key, or the rest of the line), so the
 * underline sits on the field the message names. Pure, for the editor and its tests.
 */
import type { Text } from '@codemirror/state';
import type { Diagnostic } from '@codemirror/lint';
import type { ServeFinding } from './use-serve';

export function diagnosticText(d: ServeFinding): string {
  const fix = d.suggestion ? ` Did you mean \`${d.suggestion}\`?` : '';
  return `${d.message}${d.fix ? ` — ${d.fix}` : ''}${fix && !(d.fix ?? '').includes(d.suggestion ?? '\u0000') ? fix : ''}`;
}

export function toEditorDiagnostics(doc: Text, diagnostics: readonly ServeFinding[]): Diagnostic[] {
  return diagnostics.map((d) => {
    const lineNo = Math.min(Math.max(d.line ?? 1, 1), doc.lines);
    const line = doc.line(lineNo);
    const col = Math.min(Math.max((d.column ?? 1) - 1, 0), line.length);
    const from = line.from + col;
    // The key or word at the column: up to a colon or whitespace, else the rest of the line.
    const rest = line.text.slice(col);
    const word = /^[^\s:]+/.exec(rest)?.[0].length ?? 0;
    const to = word > 0 ? from + word : line.to;
    return {
      from,
      to: Math.max(to, from),
      severity: d.severity,
      message: diagnosticText(d),
      source: d.code,
    };
  });
}
