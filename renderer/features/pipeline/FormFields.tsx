/**
 * The side form's field parts: a text field and a number field that keep what is typed (an
 * invalid number stays visible with its message instead of snapping back) and follow outside
 * changes (undo), a key/value list for engine arguments and options (values read as JSON when
 * they parse: 0.9, true, "x"), and a list of named references to other stages (a router's
 * values, an ingress's routes, a custom stage's inputs).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { FieldRow as UiFieldRow } from '../../ui';

/** The kit's field row with the side form's spacing and input style (pipeline.css `.pl-field`). */
export function FieldRow(props: Omit<Parameters<typeof UiFieldRow>[0], 'className'>) {
  return <UiFieldRow className="field pl-field" {...props} />;
}

export function TextField({
  label,
  value,
  onChange,
  validate,
  hint,
  placeholder,
  disabled,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  validate?: (v: string) => string | null;
  hint?: ReactNode;
  placeholder?: string;
  disabled?: boolean;
}) {
  const error = validate?.(value) ?? null;
  return (
    <FieldRow label={label} error={error} hint={hint}>
      {(id, described) => (
        <input
          id={id}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          aria-invalid={Boolean(error)}
          aria-describedby={described}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </FieldRow>
  );
}

export interface NumberRules {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Whether an empty field is allowed (the option left out). */
  optional?: boolean;
}

/** The problem with `text` as a number under `rules`, or null. */
export function numberProblem(text: string, rules: NumberRules): string | null {
  const t = text.trim();
  if (t === '') return rules.optional ? null : 'Required.';
  const n = Number(t);
  if (!Number.isFinite(n)) return 'Not a number.';
  if (rules.integer && !Number.isInteger(n)) return 'Must be a whole number.';
  if (rules.min !== undefined && n < rules.min) return `Must be at least ${rules.min}.`;
  if (rules.max !== undefined && n > rules.max) return `Must be at most ${rules.max}.`;
  return null;
}

export function NumberField({
  label,
  value,
  onChange,
  rules,
  hint,
  disabled,
}: {
  label: string;
  value: number | undefined;
  onChange(v: number | undefined): void;
  rules: NumberRules;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // Follow outside changes (undo, another stage selected) unless the text already means it.
  useEffect(() => {
    setText((t) => {
      const here = t.trim() === '' ? undefined : Number(t);
      return here === value ? t : value === undefined ? '' : String(value);
    });
  }, [value]);
  const error = numberProblem(text, rules);
  return (
    <FieldRow label={label} error={error} hint={hint}>
      {(id, described) => (
        <input
          id={id}
          inputMode="decimal"
          value={text}
          disabled={disabled}
          aria-invalid={Boolean(error)}
          aria-describedby={described}
          onChange={(e) => {
            const t = e.target.value;
            setText(t);
            if (numberProblem(t, rules) === null) onChange(t.trim() === '' ? undefined : Number(t));
          }}
        />
      )}
    </FieldRow>
  );
}

function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Row = { key: string; value: string };

const rowsOf = (o: Record<string, unknown>): Row[] =>
  Object.entries(o).map(([key, v]) => ({ key, value: showValue(v) }));

function objectOf(rows: Row[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rows) if (r.key.trim()) out[r.key.trim()] = readValue(r.value);
  return out;
}

/** Rows of key = value; rows without a key are kept while typed but not written. */
export function KeyValueEditor({
  label,
  entries,
  onChange,
  reserved = [],
  disabled,
  testId,
}: {
  label: string;
  entries: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
  /** Keys that have their own field above (refused here, said why). */
  reserved?: readonly string[];
  disabled?: boolean;
  testId?: string;
}) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(entries));
  useEffect(() => {
    setRows((rs) =>
      JSON.stringify(objectOf(rs)) === JSON.stringify(entries) ? rs : rowsOf(entries),
    );
  }, [entries]);
  const update = (next: Row[]) => {
    setRows(next);
    if (next.some((r) => reserved.includes(r.key.trim()))) return;
    onChange(objectOf(next));
  };
  const keys = rows.map((r) => r.key.trim()).filter(Boolean);
  return (
    <fieldset className="pl-kv" data-testid={testId} disabled={disabled}>
      <legend>{label}</legend>
      {rows.map((r, i) => {
        const dup = r.key.trim() && keys.indexOf(r.key.trim()) !== keys.lastIndexOf(r.key.trim());
        const taken = reserved.includes(r.key.trim());
        return (
          <div className="pl-kv-row" key={i}>
            <input
              aria-label={`${label} key ${i + 1}`}
              value={r.key}
              placeholder="key"
              aria-invalid={Boolean(dup || taken)}
              onChange={(e) =>
                update(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))
              }
            />
            <input
              aria-label={`${label} value ${i + 1}`}
              value={r.value}
              placeholder="value"
              onChange={(e) =>
                update(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
              }
            />
            <button
              type="button"
              className="btn ghost small"
              aria-label={`Remove ${r.key || `row ${i + 1}`}`}
              onClick={() => update(rows.filter((_, j) => j !== i))}
            >
              ✕
            </button>
            {dup ? (
              <small className="field-error">Key given twice: the last one counts.</small>
            ) : null}
            {taken ? (
              <small className="field-error">"{r.key.trim()}" has its own field above.</small>
            ) : null}
          </div>
        );
      })}
      <button
        type="button"
        className="btn small"
        onClick={() => setRows([...rows, { key: '', value: '' }])}
      >
        Add {label.toLowerCase()}
      </button>
    </fieldset>
  );
}
