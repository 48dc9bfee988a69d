/**
 * The pipeline editor's keyboard: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z (or Ctrl+Y) redo,
 * Ctrl/Cmd+C / V copy and paste the selected stages, Delete or Backspace removes the selected
 * stages (or unbinds the selected edges), Ctrl/Cmd+S saves. Ignored while typing in a field
 * (the field's own undo and clipboard win), while a dialog is open, and when text is selected
 * on the page (Ctrl+C then copies the text).
 */
import { useEffect, useRef } from 'react';
import { disconnect } from '../../../shared/pipeline';
import { usePipelineEditor } from './pipeline-store';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Edge ids are `from` NUL `port` (PipelineCanvas.edgeId). */
function unbindEdges(ids: readonly string[]): void {
  usePipelineEditor.getState().edit((g) =>
    ids.reduce((acc, id) => {
      const [from, port] = id.split('\u0000');
      return from && port !== undefined && acc.stages.some((s) => s.id === from)
        ? disconnect(acc, from, port)
        : acc;
    }, g),
  );
}

export function useEditorKeys(opts: {
  selectedEdges: () => readonly string[];
  onSave(): void;
}): void {
  const latest = useRef(opts);
  latest.current = opts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target) || document.querySelector('[role="dialog"]'))
        return;
      const ed = usePipelineEditor.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && !e.altKey && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) ed.redo();
        else ed.undo();
      } else if (mod && !e.altKey && key === 'y') {
        e.preventDefault();
        ed.redo();
      } else if (mod && key === 's') {
        e.preventDefault();
        latest.current.onSave();
      } else if (mod && key === 'c') {
        if (window.getSelection()?.toString()) return;
        if (ed.selection.length) {
          e.preventDefault();
          ed.copy();
        }
      } else if (mod && key === 'v') {
        if (ed.clipboard) {
          e.preventDefault();
          ed.paste();
        }
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) {
        const edges = latest.current.selectedEdges();
        if (!ed.selection.length && !edges.length) return;
        e.preventDefault();
        if (ed.selection.length) ed.removeSelected();
        else unbindEdges(edges);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
