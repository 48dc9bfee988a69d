/**
 * The drawing surface (@xyflow/react): stages as StageNode boxes at the graph's saved positions,
 * DeploymentHandle bindings as edges from a caller's named port to the stage it calls. Drag a
 * port onto a stage to bind it, drag a stage to move it (one undo step per drag), drop a kind
 * from the palette to add one. Selection follows the editor store; Delete, undo and the
 * clipboard are the page's keyboard handler, so every change is one undoable edit.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import {
  connect,
  edgesOf,
  moveStage,
  refsOf,
  type PipelineCheck,
  type PipelineGraph,
  type StageKind,
} from '../../../shared/pipeline';
import { addStageOfKind, inputPorts } from './graph-model';
import { withLayout } from './layout';
import { usePipelineEditor } from './pipeline-store';
import { IN_HANDLE, StageNode, portHandleId, type StageFlowNode } from './StageNode';

/** The drag-and-drop type the palette puts its stage kind under. */
export const STAGE_KIND_MIME = 'application/x-raydeck-stage-kind';

const NODE_TYPES = { stage: StageNode };

export const edgeId = (from: string, port: string) => `${from}\u0000${port}`;

function toNodes(
  graph: PipelineGraph,
  checks: readonly PipelineCheck[],
  selection: readonly string[],
): StageFlowNode[] {
  const readOnly = Boolean(graph.readOnly);
  return graph.stages.map((stage, i) => {
    const [x, y] = graph.layout[stage.id] ?? [i * 260, 0];
    return {
      id: stage.id,
      type: 'stage',
      position: { x, y },
      selected: selection.includes(stage.id),
      draggable: !readOnly,
      connectable: !readOnly,
      deletable: false,
      ariaLabel: `Stage ${stage.id}`,
      data: {
        stage,
        ports: inputPorts(stage),
        bound: refsOf(stage),
        checks: checks.filter((c) => c.stageId === stage.id),
        readOnly,
      },
    };
  });
}

function toEdges(graph: PipelineGraph, selectedEdges: ReadonlySet<string>): Edge[] {
  const ids = new Set(graph.stages.map((s) => s.id));
  return edgesOf(graph)
    .filter((e) => e.to && ids.has(e.to))
    .map((e) => ({
      id: edgeId(e.from, e.port),
      source: e.from,
      sourceHandle: portHandleId(e.port),
      target: e.to,
      targetHandle: IN_HANDLE,
      selected: selectedEdges.has(edgeId(e.from, e.port)),
      deletable: false,
      markerEnd: { type: MarkerType.ArrowClosed },
      ariaLabel: `${e.from} ${e.port} calls ${e.to}`,
    }));
}

export interface PipelineCanvasProps {
  graph: PipelineGraph;
  checks: readonly PipelineCheck[];
  /** Edges the user selected (to unbind with Delete), reported up. */
  onEdgeSelection(ids: string[]): void;
  onError(message: string | null): void;
  /** Changes when the user asks for Tidy: lay every stage out at its drawn size, then fit the view. */
  tidyKey: number;
}

export function PipelineCanvas({
  graph,
  checks,
  onEdgeSelection,
  onError,
  tidyKey,
}: PipelineCanvasProps) {
  const selection = usePipelineEditor((s) => s.selection);
  const { edit, select } = usePipelineEditor.getState();
  const flow = useReactFlow();
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const selectedEdgesRef = useRef<ReadonlySet<string>>(selectedEdges);
  const derived = useMemo(() => toNodes(graph, checks, selection), [graph, checks, selection]);
  // xyflow measures and drags its own copy; the graph replaces it whenever it changes.
  const [nodes, setNodes] = useState<StageFlowNode[]>(derived);
  useEffect(() => setNodes(derived), [derived]);
  // Only a Tidy asked while this canvas shows (a new graph starts a new canvas with the old key).
  const tidyAtMount = useRef(tidyKey);
  useEffect(() => {
    if (tidyKey === tidyAtMount.current) return;
    let alive = true;
    const g = usePipelineEditor.getState().graph;
    if (!g) return;
    const sizes = Object.fromEntries(
      flow
        .getNodes()
        .filter((n) => n.measured?.width && n.measured.height)
        .map((n) => [n.id, { width: n.measured!.width!, height: n.measured!.height! }]),
    );
    void withLayout(g, true, sizes).then((laid) => {
      if (!alive) return;
      edit((cur) => ({ ...cur, layout: laid.layout }));
      // After the moved nodes rendered.
      setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
    });
    return () => {
      alive = false;
    };
  }, [tidyKey, flow, edit]);
  const edges = useMemo(() => toEdges(graph, selectedEdges), [graph, selectedEdges]);

  // Selection goes to the store at once (not through onSelectionChange, which fires after the
  // next render): a graph change landing in between (the checks) would otherwise drop a click.
  const onNodesChange = useCallback(
    (changes: NodeChange<StageFlowNode>[]) => {
      const picks = changes.filter((c) => c.type === 'select');
      if (picks.length) {
        const next = new Set(usePipelineEditor.getState().selection);
        for (const c of picks) {
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
        }
        select([...next]);
      }
      setNodes((ns) => applyNodeChanges(changes, ns));
    },
    [select],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const picks = changes.filter((c) => c.type === 'select');
      if (!picks.length) return;
      const next = new Set(selectedEdgesRef.current);
      for (const c of picks) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      selectedEdgesRef.current = next;
      setSelectedEdges(next);
      onEdgeSelection([...next]);
    },
    [onEdgeSelection],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle?.startsWith('port:') || c.source === c.target) return;
      const port = c.sourceHandle.slice('port:'.length);
      onError(edit((g) => connect(g, { from: c.source, port, to: c.target })));
    },
    [edit, onError],
  );
  const onNodeDragStop = useCallback(
    (_: unknown, _node: StageFlowNode, dragged: StageFlowNode[]) => {
      edit((g) =>
        dragged.reduce(
          (acc, n) => moveStage(acc, n.id, [Math.round(n.position.x), Math.round(n.position.y)]),
          g,
        ),
      );
    },
    [edit],
  );
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(STAGE_KIND_MIME) as StageKind;
      if (!kind) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      let id = '';
      const refused = edit((g) => {
        const r = addStageOfKind(g, kind, [Math.round(p.x), Math.round(p.y)]);
        id = r.id;
        return r.graph;
      });
      onError(refused);
      if (!refused) select([id]);
    },
    [edit, flow, onError, select],
  );

  const readOnly = Boolean(graph.readOnly);
  return (
    <div
      className="pl-canvas"
      data-testid="pipeline-canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(STAGE_KIND_MIME)) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <ReactFlow<StageFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStop={onNodeDragStop}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={null}
        multiSelectionKeyCode="Shift"
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
        colorMode="system"
        ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter to select this stage.' }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
