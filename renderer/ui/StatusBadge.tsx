/**
 * Check results drawn one way everywhere: a badge whose colour is its own status (pass green,
 * warn amber, fail red), never inherited from the card around it (issue 19: PASS badges inside
 * a WARN card were drawn amber), and a checklist of such rows with their fix hints.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export function StatusBadge({ status, testId }: { status: CheckStatus; testId?: string }) {
  return (
    <span className={`badge status-${status}`} data-testid={testId} data-status={status}>
      {status}
    </span>
  );
}

export interface CheckItem {
  id: string;
  status: CheckStatus;
  label: string;
  detail: string;
  hint?: string | null;
}

export function CheckList({
  items,
  label,
  itemTestId,
  testId,
}: {
  items: readonly CheckItem[];
  label: string;
  itemTestId?: string;
  testId?: string;
}) {
  return (
    <ul className="checklist" aria-label={label} data-testid={testId}>
      {items.map((c) => (
        <li
          key={c.id}
          className={`check check-${c.status}`}
          data-testid={itemTestId}
          data-status={c.status}
        >
          <StatusBadge status={c.status} />
          <span className="check-name">{c.label}</span>
          <span className="muted">{c.detail}</span>
          {c.hint ? <span className="hint">{c.hint}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** The worst status of a list: fail, then warn, else pass. */
export function worstStatus(items: readonly { status: CheckStatus }[]): CheckStatus {
  return items.some((c) => c.status === 'fail')
    ? 'fail'
    : items.some((c) => c.status === 'warn')
      ? 'warn'
      : 'pass';
}
