/**
 * The Pipeline page's toolbar: New / Open / Save, Undo / Redo, Tidy (automatic layout), Compile
 * and Deploy, the cluster the checks and the deploy are for, and which file is open (and
 * whether it changed since it was saved).
 */
import { ClusterPicker } from '../clusters';
import { isDirty, usePipelineEditor } from './pipeline-store';

export interface ToolbarActions {
  onNew(): void;
  onOpen(): void;
  onSave(): void;
  onTidy(): void;
  onCompile(): void;
  onDeploy(): void;
}

export function PipelineToolbar({
  actions,
  compiling,
  deploying,
  canDeploy,
  deployWhy,
}: {
  actions: ToolbarActions;
  compiling: boolean;
  deploying: boolean;
  canDeploy: boolean;
  deployWhy: string | null;
}) {
  const graph = usePipelineEditor((s) => s.graph);
  const path = usePipelineEditor((s) => s.path);
  const dirty = usePipelineEditor(isDirty);
  const canUndo = usePipelineEditor((s) => s.past.length > 0);
  const canRedo = usePipelineEditor((s) => s.future.length > 0);
  const { undo, redo } = usePipelineEditor.getState();
  const open = graph !== null;
  const readOnly = Boolean(graph?.readOnly);
  return (
    <div className="toolbar pl-toolbar" role="toolbar" aria-label="Pipeline">
      <button type="button" className="btn" onClick={actions.onNew}>
        New
      </button>
      <button type="button" className="btn" onClick={actions.onOpen}>
        Open…
      </button>
      <button
        type="button"
        className="btn"
        onClick={actions.onSave}
        disabled={!open || readOnly}
        title="Save (Ctrl+S)"
      >
        Save
      </button>
      <span className="pl-sep" aria-hidden />
      <button
        type="button"
        className="btn ghost"
        onClick={undo}
        disabled={!canUndo}
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
      >
        ↶
      </button>
      <button
        type="button"
        className="btn ghost"
        onClick={redo}
        disabled={!canRedo}
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
      >
        ↷
      </button>
      <button
        type="button"
        className="btn ghost"
        onClick={actions.onTidy}
        disabled={!open || readOnly}
        title="Lay the stages out left to right"
      >
        Tidy
      </button>
      <span className="pl-sep" aria-hidden />
      <button
        type="button"
        className="btn"
        onClick={actions.onCompile}
        disabled={!open || compiling}
      >
        {compiling ? 'Compiling…' : 'Compile'}
      </button>
      <button
        type="button"
        className="btn primary"
        onClick={actions.onDeploy}
        disabled={!open || !canDeploy || deploying}
        title={deployWhy ?? 'Compile, review the change on the cluster, apply'}
        data-testid="pipeline-deploy"
      >
        {deploying ? 'Deploying…' : 'Deploy…'}
      </button>
      <ClusterPicker />
      {open ? (
        <span className="muted small pl-file" data-testid="pipeline-file">
          {graph.name}
          {path ? ` — ${path}` : ' — not saved yet'}
          {dirty ? ' (changed)' : ''}
          {readOnly ? ' (read-only)' : ''}
        </span>
      ) : null}
    </div>
  );
}
