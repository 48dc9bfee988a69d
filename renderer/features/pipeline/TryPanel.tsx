/**
 * "Try it": sends one request through the head to the deployed pipeline and shows the answer,
 * the `origin` (the LLM stage that generated it) and per-stage timings as bars. The request
 * type (chat, embed, rerank, RAG, router with a field value) sets the JSON body of
 * docs/pipeline-graph.md; the route is one of the ingress's HTTP routes, preselected by the kind
 * of stage it reaches. Send starts one request at a time.
 */
import { useMemo, useState } from 'react';
import type { PipelineGraph, PipelineStage } from '../../../shared/pipeline';
import { ErrorBanner, useSingleFlight } from '../../ui';
import { TimingBars } from './TimingBars';

export type TryKind = 'chat' | 'embed' | 'rerank' | 'rag' | 'router';

export interface TryRequest {
  route: string;
  body: Record<string, unknown>;
}

/** One answer as the panel shows it (the hooks file maps the contract's answer onto this). */
export interface TryAnswer {
  status: number;
  body: unknown;
  timingsMs: Record<string, number>;
  origin: string | null;
  elapsedMs: number;
  /** The path posted (route_prefix + route). */
  path: string;
}

const KIND_OF_TARGET: Record<TryKind, PipelineStage['kind']> = {
  chat: 'llm',
  embed: 'embedding',
  rerank: 'reranker',
  rag: 'rag',
  router: 'router',
};

const LABEL: Record<TryKind, string> = {
  chat: 'Chat (LLM)',
  embed: 'Embed',
  rerank: 'Rerank',
  rag: 'RAG query',
  router: 'Router',
};

export function requestBody(
  kind: TryKind,
  f: { text: string; candidates: string; field: string; value: string; maxTokens: number },
): Record<string, unknown> {
  const candidates = f.candidates
    .split('\n')
    .map((c) => c.trim())
    .filter(Boolean);
  switch (kind) {
    case 'chat':
      return { prompt: f.text, max_tokens: f.maxTokens };
    case 'embed':
      return { text: f.text };
    case 'rerank':
      return { query: f.text, candidates };
    case 'rag':
      return { query: f.text, candidates };
    case 'router':
      return { [f.field || 'model']: f.value, prompt: f.text, max_tokens: f.maxTokens };
  }
}

/** The words of an answer: the LLM's text, else the ranking, else the embeddings' shape. */
function answerText(body: unknown): string {
  if (!body || typeof body !== 'object') return String(body ?? '');
  const b = body as Record<string, unknown>;
  if (typeof b.answer === 'string') return b.answer;
  if (typeof b.error === 'string')
    return `${b.error}${b.stage ? ` (stage ${String(b.stage)})` : ''}`;
  if (Array.isArray(b.ranked)) return b.ranked.map((r, i) => `${i + 1}. ${String(r)}`).join('\n');
  if (Array.isArray(b.embeddings)) {
    const first = b.embeddings[0];
    return `${b.embeddings.length} embedding(s) of ${Array.isArray(first) ? first.length : '?'} dimensions`;
  }
  return JSON.stringify(b, null, 2);
}

export function TryPanel({
  graph,
  canSend,
  why,
  onSend,
}: {
  graph: PipelineGraph;
  /** False (with `why`) when there is no cluster or nothing deployed to send to. */
  canSend: boolean;
  why: string | null;
  onSend(req: TryRequest): Promise<TryAnswer>;
}) {
  const ingress = graph.stages.find((s) => s.kind === 'ingress');
  const routes = useMemo(() => (ingress?.kind === 'ingress' ? ingress.routes : {}), [ingress]);
  const kindOfRoute = (r: string) => graph.stages.find((s) => s.id === routes[r])?.kind;
  const [kind, setKind] = useState<TryKind>('rag');
  const [route, setRoute] = useState('');
  const [text, setText] = useState('What does Ray Serve do?');
  const [candidates, setCandidates] = useState(
    'Ray Serve is a scalable model serving library.\nvLLM is a fast LLM inference engine.\nBananas are yellow.',
  );
  const router = graph.stages.find((s) => s.kind === 'router');
  const [field, setField] = useState(router?.kind === 'router' ? router.options.field : 'model');
  const [value, setValue] = useState(
    router?.kind === 'router' ? (Object.keys(router.inputs)[0] ?? '') : '',
  );
  const [maxTokens, setMaxTokens] = useState(32);
  const [answer, setAnswer] = useState<TryAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const once = useSingleFlight();
  const routeList = Object.keys(routes);
  const chosen =
    route && routes[route] !== undefined
      ? route
      : (routeList.find((r) => kindOfRoute(r) === KIND_OF_TARGET[kind]) ?? routeList[0] ?? '');
  const send = () =>
    once((done) => {
      setSending(true);
      setError(null);
      onSend({
        route: chosen,
        body: requestBody(kind, { text, candidates, field, value, maxTokens }),
      })
        .then(setAnswer, (e: unknown) => {
          setAnswer(null);
          setError(e);
        })
        .finally(() => {
          setSending(false);
          done();
        });
    });
  const needsCandidates = kind === 'rerank' || kind === 'rag';
  return (
    <section className="panel pl-try" aria-label="Try it" data-testid="pipeline-try">
      <div className="panel-head">
        <h3>Try it</h3>
        <span className="muted small">
          Through the head node's tunnel to the deployed pipeline.
        </span>
      </div>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="try-kind">Request</label>
          <select id="try-kind" value={kind} onChange={(e) => setKind(e.target.value as TryKind)}>
            {(Object.keys(LABEL) as TryKind[]).map((k) => (
              <option key={k} value={k}>
                {LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="try-route">Route</label>
          <select id="try-route" value={chosen} onChange={(e) => setRoute(e.target.value)}>
            {routeList.length === 0 ? <option value="">(the ingress has no routes)</option> : null}
            {routeList.map((r) => (
              <option key={r} value={r}>
                {r} → {routes[r] || '(not connected)'}
              </option>
            ))}
          </select>
        </div>
      </div>
      {kind === 'router' ? (
        <div className="form-grid">
          <div className="field">
            <label htmlFor="try-field">Field</label>
            <input id="try-field" value={field} onChange={(e) => setField(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="try-value">Value</label>
            <input id="try-value" value={value} onChange={(e) => setValue(e.target.value)} />
          </div>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="try-text">
          {kind === 'chat' || kind === 'router' ? 'Prompt' : kind === 'embed' ? 'Text' : 'Query'}
        </label>
        <textarea id="try-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {needsCandidates ? (
        <div className="field">
          <label htmlFor="try-candidates">Candidates (one per line)</label>
          <textarea
            id="try-candidates"
            rows={3}
            value={candidates}
            onChange={(e) => setCandidates(e.target.value)}
          />
        </div>
      ) : null}
      {kind === 'chat' || kind === 'router' ? (
        <div className="field pl-narrow">
          <label htmlFor="try-max-tokens">max_tokens</label>
          <input
            id="try-max-tokens"
            inputMode="numeric"
            value={maxTokens}
            onChange={(e) => setMaxTokens(Math.max(1, Math.min(4096, Number(e.target.value) || 1)))}
          />
        </div>
      ) : null}
      <div className="toolbar">
        <button
          type="button"
          className="btn primary"
          disabled={!canSend || sending || !chosen}
          onClick={send}
          data-testid="try-send"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
        {!canSend && why ? <span className="muted small">{why}</span> : null}
      </div>
      <ErrorBanner error={error} prefix="No answer" testId="try-error" />
      {answer ? (
        <div className="pl-answer" data-testid="try-answer" data-status={answer.status}>
          <div className="pl-answer-head">
            <span className={`badge ${answer.status < 400 ? 'status-pass' : 'status-fail'}`}>
              HTTP {answer.status}
            </span>
            {answer.origin ? (
              <span data-testid="try-origin">
                origin <strong className="mono">{answer.origin}</strong>
              </span>
            ) : null}
            <span className="muted small">
              POST <span className="mono">{answer.path}</span>: {Math.round(answer.elapsedMs)} ms in
              all
            </span>
          </div>
          <pre className="pl-answer-text" data-testid="try-answer-text">
            {answerText(answer.body)}
          </pre>
          <TimingBars timings={answer.timingsMs} />
          <details>
            <summary>Raw answer</summary>
            <pre className="pl-answer-raw">{JSON.stringify(answer.body, null, 2)}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}
