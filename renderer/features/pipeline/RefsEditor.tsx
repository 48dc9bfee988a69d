/**
 * A stage's named references to other stages, as rows of name -> stage: a router's field values,
 * an ingress's HTTP routes, a custom stage's inputs, a rag stage's three fixed inputs. The same
 * bindings the canvas draws as edges; this is their keyboard-friendly editor. A name is checked
 * as typed (an HTTP route starts with "/", a value is unique) and written once it is valid.
 */
import { useEffect, useState } from 'react';

interface Row {
  key: string;
  to: string;
}

const rowsOf = (refs: Record<string, string>): Row[] =>
  Object.entries(refs).map(([key, to]) => ({ key, to }));

export function RefsEditor({
  label,
  keyLabel,
  refs,
  targets,
  onChange,
  fixedKeys,
  keyProblem,
  disabled,
  testId,
}: {
  label: string;
  /** What a name is: "Route", "Value", "Input". */
  keyLabel: string;
  refs: Record<string, string>;
  /** Stage ids a reference may point at. */
  targets: readonly string[];
  onChange(next: Record<string, string>): void;
  /** Names that always show (rag's embedding/reranker/llm): no add, remove or rename. */
  fixedKeys?: readonly string[];
  keyProblem?: (key: string) => string | null;
  disabled?: boolean;
  testId?: string;
}) {
  const fixed = Boolean(fixedKeys);
  const [rows, setRows] = useState<Row[]>(() =>
    fixedKeys ? fixedKeys.map((k) => ({ key: k, to: refs[k] ?? '' })) : rowsOf(refs),
  );
  useEffect(() => {
    if (fixedKeys) {
      setRows(fixedKeys.map((k) => ({ key: k, to: refs[k] ?? '' })));
      return;
    }
    setRows((rs) => {
      const mine = Object.fromEntries(rs.filter((r) => r.key.trim()).map((r) => [r.key, r.to]));
      return JSON.stringify(mine) === JSON.stringify(refs) ? rs : rowsOf(refs);
    });
  }, [refs, fixedKeys]);

  const problem = (r: Row, i: number): string | null => {
    if (fixed) return null;
    const k = r.key.trim();
    if (!k) return `${keyLabel} is empty.`;
    if (rows.some((o, j) => j !== i && o.key.trim() === k))
      return `${keyLabel} "${k}" is given twice.`;
    return keyProblem?.(k) ?? null;
  };
  const update = (next: Row[]) => {
    setRows(next);
    if (next.some((r, i) => problem(r, i) !== null && r.key.trim() !== '')) return;
    const out: Record<string, string> = {};
    for (const r of next) {
      if (fixed && !r.to) continue;
      if (r.key.trim()) out[r.key.trim()] = r.to;
    }
    onChange(out);
  };
  return (
    <fieldset className="pl-refs" data-testid={testId} disabled={disabled}>
      <legend>{label}</legend>
      {rows.length === 0 ? <p className="muted small">None yet.</p> : null}
      {rows.map((r, i) => {
        const err = r.key.trim() || !fixed ? problem(r, i) : null;
        return (
          <div
            className="pl-ref-row"
            key={fixed ? r.key : i}
            data-testid="ref-row"
            data-key={r.key}
          >
            {fixed ? (
              <span className="pl-ref-key mono">{r.key}</span>
            ) : (
              <input
                aria-label={`${keyLabel} ${i + 1}`}
                value={r.key}
                aria-invalid={Boolean(err)}
                onChange={(e) =>
                  update(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))
                }
              />
            )}
            <span aria-hidden>→</span>
            <select
              aria-label={`${r.key || `${keyLabel} ${i + 1}`} calls`}
              value={r.to}
              onChange={(e) =>
                update(rows.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))
              }
            >
              <option value="">(not connected)</option>
              {targets.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
              {r.to && !targets.includes(r.to) ? (
                <option value={r.to}>{r.to} (missing)</option>
              ) : null}
            </select>
            {!fixed ? (
              <button
                type="button"
                className="btn ghost small"
                aria-label={`Remove ${keyLabel.toLowerCase()} ${r.key || i + 1}`}
                onClick={() => update(rows.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            ) : null}
            {err ? <small className="field-error">{err}</small> : null}
          </div>
        );
      })}
      {!fixed ? (
        <button
          type="button"
          className="btn small"
          onClick={() => setRows([...rows, { key: '', to: '' }])}
        >
          Add {keyLabel.toLowerCase()}
        </button>
      ) : null}
    </fieldset>
  );
}
