/**
 * The palette of stage kinds: drag one onto the canvas to place it there, or click (Enter) to
 * add it to the right of the drawing. The new stage is selected, so its form opens beside.
 */
import type { StageKind } from '../../../shared/pipeline';
import { STAGE_KIND_MIME } from './PipelineCanvas';
import { STAGE_KINDS } from './stage-kinds';

export function Palette({ disabled, onAdd }: { disabled: boolean; onAdd(kind: StageKind): void }) {
  return (
    <div
      className="pl-palette"
      role="toolbar"
      aria-label="Stage kinds"
      data-testid="pipeline-palette"
    >
      {STAGE_KINDS.map((k) => (
        <button
          key={k.kind}
          type="button"
          className="pl-palette-item"
          draggable={!disabled}
          disabled={disabled}
          onDragStart={(e) => {
            e.dataTransfer.setData(STAGE_KIND_MIME, k.kind);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onAdd(k.kind)}
          title={`${k.what} — click to add, or drag onto the canvas`}
          aria-label={`Add ${k.label} stage`}
          data-testid={`palette-${k.kind}`}
        >
          <span className="pl-palette-icon" aria-hidden>
            {k.icon}
          </span>
          <span>{k.label}</span>
          <small className="muted">{k.what}</small>
        </button>
      ))}
    </div>
  );
}
