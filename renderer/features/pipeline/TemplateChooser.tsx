/** The templates to start a pipeline from (RAG, gateway, tensor-parallel LLM), as cards. */
import type { PipelineGraph } from '../../../shared/pipeline';
import { TEMPLATES } from './templates';

export function TemplateChooser({ onPick }: { onPick(graph: PipelineGraph): void }) {
  return (
    <ul className="pl-templates" aria-label="Templates">
      {TEMPLATES.map((t) => (
        <li key={t.id}>
          <button
            type="button"
            className="card pl-template"
            onClick={() => onPick(t.graph())}
            data-testid={`template-${t.id}`}
          >
            <strong>{t.title}</strong>
            <span className="muted small">{t.text}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
