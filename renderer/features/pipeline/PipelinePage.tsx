/**
 * The Pipeline page: draw a multi-model Serve pipeline (palette, canvas, side form for the
 * selected stage), see its checks on the stages and in a list as you draw, save and open it,
 * compile it to a Serve config, deploy it through the Serve review and apply, and try it with
 * per-stage timings. With nothing open, an empty state offers the templates (RAG, gateway,
 * tensor-parallel LLM) and Open.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useRef, useState } from 'react';
import {
  emptyPipeline,
  type PipelineCheck,
  type PipelineGraph,
  type StageKind,
} from '../../../shared/pipeline';
import { RaydeckError } from '../../../shared';
import { ConfirmDialog, Dialog, EmptyState, ErrorBanner } from '../../ui';
import { useCurrentCluster } from '../clusters';
import { ApplyFollow, ReviewDialog } from '../serve';
import { ChecksList } from './ChecksList';
import { CompileDialog } from './CompileDialog';
import { addStageOfKind } from './graph-model';
import { withLayout } from './layout';
import { Palette } from './Palette';
import { OpenDialog } from './OpenDialog';
import { SaveDialog } from './SaveDialog';
import { PipelineCanvas } from './PipelineCanvas';
import { PipelineToolbar } from './PipelineToolbar';
import { isDirty, usePipelineEditor } from './pipeline-store';
import { StageForm } from './StageForm';
import { TemplateChooser } from './TemplateChooser';
import { TryPanel } from './TryPanel';
import { usePipelineDeploy } from './use-deploy';
import { useEditorKeys } from './use-editor-keys';
import {
  useCompilePipeline,
  useOpenPipeline,
  usePipelineFiles,
  useReadBack,
  useRunningApps,
  useSavePipeline,
  useTryPipeline,
} from './use-pipeline';
import { usePipelineChecks } from './use-pipeline-checks';
import './pipeline.css';

/** A plain Error's own message (a core error's typed message is ErrorBanner's default). */
const plainMessage = (err: unknown): string | undefined =>
  err instanceof Error && !(err instanceof RaydeckError) ? err.message : undefined;

const EMPTY = () => emptyPipeline('pipeline');

type Dialogs =
  | { kind: 'open' }
  | { kind: 'save' }
  | { kind: 'new' }
  | { kind: 'replace'; then: () => void }
  | { kind: 'compiled'; yaml: string | null; refusal: string | null; checks: PipelineCheck[] }
  | null;

export function PipelinePage() {
  const graph = usePipelineEditor((s) => s.graph);
  const path = usePipelineEditor((s) => s.path);
  const selection = usePipelineEditor((s) => s.selection);
  const generation = usePipelineEditor((s) => s.generation);
  const { current } = useCurrentCluster();
  const clusterId = current?.id ?? null;
  const { checks, checking, error: checksError } = usePipelineChecks(graph, clusterId);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const files = usePipelineFiles(dialog?.kind === 'open');
  const running = useRunningApps(clusterId, dialog?.kind === 'open');
  const open = useOpenPipeline();
  const save = useSavePipeline();
  const readBack = useReadBack();
  const compile = useCompilePipeline(clusterId);
  const deploy = usePipelineDeploy(clusterId, async (g) => {
    const r = await compile.mutateAsync(g);
    if (r.yaml === null) throw new Error(`Not compiled: ${r.refusal ?? 'a check failed'}`);
    return { text: r.yaml };
  });
  const tryIt = useTryPipeline(clusterId);
  const [problem, setProblem] = useState<string | null>(null);
  const [tidyKey, setTidyKey] = useState(0);
  const selectedEdges = useRef<string[]>([]);
  const onEdgeSelection = useCallback((ids: string[]) => void (selectedEdges.current = ids), []);

  /** Replacing an edited graph asks first. */
  const guarded = (then: () => void) => {
    if (isDirty(usePipelineEditor.getState())) setDialog({ kind: 'replace', then });
    else then();
  };
  /** Opens a graph not read from a file; a template is laid out afresh (left to right). */
  const start = (g: PipelineGraph, tidy = false) => {
    setDialog(null);
    void withLayout(g, tidy).then((laid) => usePipelineEditor.getState().load(laid, null));
  };
  const startTemplate = (g: PipelineGraph) => start(g, true);
  const doSave = () => {
    const s = usePipelineEditor.getState();
    if (!s.graph || s.graph.readOnly) return;
    if (!s.path) return setDialog({ kind: 'save' });
    const saved = s.graph;
    save.mutate({ path: s.path, graph: saved }, { onSuccess: (r) => s.markSaved(r.path, saved) });
  };
  useEditorKeys({ selectedEdges: () => selectedEdges.current, onSave: doSave });

  const addKind = (kind: StageKind) => {
    const ed = usePipelineEditor.getState();
    let id = '';
    const refused = ed.edit((g) => {
      const xs = g.stages.map((s) => g.layout[s.id]?.[0] ?? 0);
      const r = addStageOfKind(g, kind, [xs.length ? Math.max(...xs) + 280 : 0, 40]);
      id = r.id;
      return r.graph;
    });
    setProblem(refused);
    if (!refused) ed.select([id]);
  };
  const tidy = () => setTidyKey((k) => k + 1);
  const doCompile = () => {
    const g = usePipelineEditor.getState().graph;
    if (!g) return;
    compile.mutate(g, {
      onSuccess: (r) =>
        setDialog({ kind: 'compiled', yaml: r.yaml, refusal: r.refusal, checks: r.checks }),
    });
  };
  const doDeploy = () => {
    const g = usePipelineEditor.getState().graph;
    if (g) deploy.start(g);
  };
  const hasErrors = checks.some((c) => c.severity === 'error');
  const deployWhy = !clusterId
    ? 'Add a cluster first'
    : hasErrors
      ? 'Fix the errors the checks show first'
      : null;

  const selected = selection.length === 1 ? selection[0]! : null;
  return (
    <section className="page pipeline-page" data-testid="pipeline-page" aria-label="Pipeline">
      <PipelineToolbar
        actions={{
          onNew: () => guarded(() => setDialog({ kind: 'new' })),
          onOpen: () => guarded(() => setDialog({ kind: 'open' })),
          onSave: doSave,
          onTidy: tidy,
          onCompile: doCompile,
          onDeploy: doDeploy,
        }}
        compiling={compile.isPending}
        deploying={deploy.preparing || deploy.applying || deploy.review !== null}
        canDeploy={deployWhy === null}
        deployWhy={deployWhy}
      />
      <ErrorBanner error={problem} prefix="Not changed" testId="pipeline-problem">
        {problem}
      </ErrorBanner>
      <ErrorBanner error={save.error} prefix="Not saved" testId="pipeline-save-error" />
      <ErrorBanner error={compile.error} prefix="Not compiled" testId="pipeline-compile-error" />
      <ErrorBanner error={deploy.error} prefix="Not deployed" testId="pipeline-deploy-error">
        {plainMessage(deploy.error)}
      </ErrorBanner>
      {deploy.followed ? (
        <ApplyFollow
          key={deploy.followed.operationId}
          apply={deploy.followed}
          onDismiss={deploy.dismissFollowed}
        />
      ) : null}
      {graph ? (
        <>
          {graph.readOnly ? (
            <div className="banner warn" role="status" data-testid="pipeline-read-only">
              Read-only: {graph.readOnly.reason}
            </div>
          ) : null}
          <div className="pl-editor">
            <Palette disabled={Boolean(graph.readOnly)} onAdd={addKind} />
            <ReactFlowProvider key={generation}>
              <PipelineCanvas
                graph={graph}
                checks={checks}
                onEdgeSelection={onEdgeSelection}
                onError={setProblem}
                tidyKey={tidyKey}
              />
            </ReactFlowProvider>
            {selected ? (
              <StageForm key={selected} graph={graph} stageId={selected} />
            ) : (
              <aside className="panel pl-form pl-form-empty" aria-label="Stage properties">
                <p className="muted">
                  {selection.length > 1
                    ? `${selection.length} stages selected: Ctrl+C copies them, Delete removes them.`
                    : 'Select a stage to edit it. Drag from a port on the right of a stage to the stage it calls.'}
                </p>
              </aside>
            )}
          </div>
          <ChecksList
            checks={checks}
            checking={checking}
            error={checksError}
            onSelectStage={(id) => usePipelineEditor.getState().select([id])}
          />
          <TryPanel
            graph={graph}
            canSend={clusterId !== null}
            why={clusterId ? null : 'Add a cluster and deploy the pipeline first.'}
            onSend={(req) => tryIt(graph, req)}
          />
        </>
      ) : (
        <EmptyState
          testId="pipeline-empty"
          icon="⇶"
          title="Draw a serving pipeline"
          text="Start from a template below, open a pipeline file or a Serve config Raydeck made, or start empty and add stages from the palette. Checks run as you draw; Deploy sends it to the cluster through the Serve review."
        >
          <TemplateChooser onPick={startTemplate} />
          <div className="empty-actions">
            <button type="button" className="btn" onClick={() => setDialog({ kind: 'open' })}>
              Open…
            </button>
            <button type="button" className="btn" onClick={() => start(EMPTY())}>
              Start empty
            </button>
          </div>
        </EmptyState>
      )}
      {dialog?.kind === 'new' ? (
        <Dialog
          title="New pipeline"
          onClose={() => setDialog(null)}
          testId="pipeline-new-dialog"
          actions={
            <>
              <button type="button" className="btn ghost" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button type="button" className="btn" onClick={() => start(EMPTY())}>
                Start empty
              </button>
            </>
          }
        >
          <p className="muted">Start from a template, or with an empty canvas.</p>
          <TemplateChooser onPick={startTemplate} />
        </Dialog>
      ) : null}
      {dialog?.kind === 'replace' ? (
        <ConfirmDialog
          title="Leave the unsaved pipeline?"
          body="The pipeline has changes that were not saved; they are lost."
          confirm="Discard changes"
          cancel="Keep editing"
          testId="pipeline-replace-confirm"
          onClose={() => setDialog(null)}
          onConfirm={() => {
            const then = dialog.then;
            setDialog(null);
            then();
          }}
        />
      ) : null}
      {dialog?.kind === 'open' ? (
        <OpenDialog
          files={files.data ?? []}
          running={running.data ?? null}
          clusterName={current?.name ?? null}
          busy={open.isPending}
          error={open.error}
          onClose={() => setDialog(null)}
          onOpenPath={(p, done) =>
            open.mutate(p, {
              onSuccess: (r) => {
                setDialog(null);
                void withLayout(r.graph).then((laid) =>
                  usePipelineEditor.getState().load(laid, r.path),
                );
              },
              onSettled: done,
            })
          }
          onReadBack={readBack.mutateAsync}
          onPick={(g) => start(g)}
        />
      ) : null}
      {dialog?.kind === 'save' ? (
        <SaveDialog
          initial={path ?? `${graph?.name || 'pipeline'}.pipeline.yaml`}
          busy={save.isPending}
          error={save.error}
          onClose={() => setDialog(null)}
          onSubmit={(p, done) => {
            const g = usePipelineEditor.getState().graph;
            if (!g) return done();
            save.mutate(
              { path: p, graph: g },
              {
                onSuccess: (r) => {
                  usePipelineEditor.getState().markSaved(r.path, g);
                  setDialog(null);
                },
                onSettled: done,
              },
            );
          }}
        />
      ) : null}
      {dialog?.kind === 'compiled' && graph ? (
        <CompileDialog
          name={graph.name}
          yaml={dialog.yaml}
          refusal={dialog.refusal}
          checks={dialog.checks}
          canDeploy={deployWhy === null}
          onClose={() => setDialog(null)}
          onDeploy={() => {
            setDialog(null);
            doDeploy();
          }}
        />
      ) : null}
      {deploy.review && current ? (
        <ReviewDialog
          clusterName={current.name}
          diff={deploy.review.diff}
          diagnostics={deploy.review.diagnostics}
          applying={deploy.applying}
          error={deploy.applyError}
          onApply={deploy.confirm}
          onClose={deploy.closeReview}
          notice={
            deploy.review.dropped.length ? (
              <div className="banner warn" role="alert" data-testid="deploy-dropped">
                Not kept: {deploy.review.dropped.join(', ')}. Raydeck has no applied config of{' '}
                {deploy.review.dropped.length === 1 ? 'it' : 'them'} in the Serve history, and Ray's
                copy has its env_vars values hidden, so this deploy would delete{' '}
                {deploy.review.dropped.length === 1 ? 'it' : 'them'}. Apply{' '}
                {deploy.review.dropped.length === 1 ? 'its' : 'their'} config from the Serve page
                first to keep {deploy.review.dropped.length === 1 ? 'it' : 'them'}.
              </div>
            ) : null
          }
        />
      ) : null}
    </section>
  );
}
