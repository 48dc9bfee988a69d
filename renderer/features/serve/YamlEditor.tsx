/**
 * The YAML editor: CodeMirror 6 with YAML highlighting in the theme's colours, undo history,
 * and the validator's findings drawn inline (underline + gutter marker + hover message). The
 * text is controlled: the page owns it, an outside change (the form editor) is applied as the
 * smallest replacement so the cursor and undo history survive. (Ctrl/Cmd+S is the page's: review.)
 */
import { useEffect, useRef } from 'react';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting, indentUnit } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { tags } from '@lezer/highlight';
import type { ServeFinding } from './use-serve';
import { toEditorDiagnostics } from './yaml-diagnostics';

const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--warn)' },
  { tag: [tags.comment, tags.lineComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: 'var(--ansi-5)' },
]);

const theme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--bg)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': {
    backgroundColor: 'var(--panel-2)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
  },
  // A finding's message is a sentence or two: wrap it rather than let the tooltip span the window.
  '.cm-tooltip-lint': { maxWidth: 'min(560px, 80vw)', whiteSpace: 'normal' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--warn)' },
  '&.cm-editor .cm-selectionBackground, &.cm-focused .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)',
  },
});

export interface YamlEditorProps {
  value: string;
  onChange(text: string): void;
  diagnostics: readonly ServeFinding[];
  label?: string;
  /** Moves the cursor to this 1-based line and column (a new object each time: a click on a finding). */
  jumpTo?: { line: number; column: number } | null;
}

/** The one change that turns `from` into `to`: common prefix and suffix kept. */
export function minimalChange(
  from: string,
  to: string,
): { from: number; to: number; insert: string } | null {
  if (from === to) return null;
  let start = 0;
  while (start < from.length && start < to.length && from[start] === to[start]) start++;
  let endA = from.length;
  let endB = to.length;
  while (endA > start && endB > start && from[endA - 1] === to[endB - 1]) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: to.slice(start, endB) };
}

export function YamlEditor({
  value,
  onChange,
  diagnostics,
  label = 'Serve config YAML',
  jumpTo,
}: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // CodeMirror keeps lines joined by \n: a CRLF text is shown with \n and handed back with
  // \r\n, so a file saved on Windows stays byte-identical until edited (then all CRLF).
  const crlf = value.includes('\r\n');
  const shown = crlf ? value.replaceAll('\r\n', '\n') : value;
  const latest = useRef({ onChange, crlf });
  latest.current = { onChange, crlf };

  useEffect(() => {
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLine(),
      history(),
      indentUnit.of('  '),
      // Mod-Enter is the page's "Review changes" (it bubbles to the page): no blank line inserted.
      keymap.of([
        { key: 'Mod-Enter', run: () => true },
        ...defaultKeymap,
        ...historyKeymap,
        indentWithTab,
      ]),
      yaml(),
      syntaxHighlighting(highlight),
      lintGutter(),
      theme,
      EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'serve-yaml-input' }),
      EditorView.updateListener.of((u) => {
        if (!u.docChanged) return;
        const text = u.state.doc.toString();
        latest.current.onChange(latest.current.crlf ? text.replaceAll('\n', '\r\n') : text);
      }),
    ];
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({ doc: shown, extensions }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const change = minimalChange(v.state.doc.toString(), shown);
    if (change) v.dispatch({ changes: change });
  }, [shown]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    // Findings are for the text they were made from: drop them when it changed since.
    v.dispatch(setDiagnostics(v.state, toEditorDiagnostics(v.state.doc, diagnostics)));
  }, [diagnostics]);

  useEffect(() => {
    const v = view.current;
    if (!v || !jumpTo) return;
    const line = v.state.doc.line(Math.min(Math.max(jumpTo.line, 1), v.state.doc.lines));
    const at = line.from + Math.min(Math.max(jumpTo.column - 1, 0), line.length);
    v.dispatch({
      selection: { anchor: at },
      effects: EditorView.scrollIntoView(at, { y: 'center' }),
    });
    v.focus();
  }, [jumpTo]);

  return <div ref={host} className="serve-yaml" data-testid="serve-yaml" />;
}
