/**
 * A ServeConfigDiff as lines people read (the CLI's `serve diff`, the apply operation's log):
 * deletions first and in capitals — Ray's PUT removes those applications — then each
 * application and deployment with its fields as `path: old -> new`.
 */
import { formatConfigPath } from './diagnostics';
import type { FieldChange, ServeConfigDiff } from './diff';

const MAX_VALUE = 120;

export function formatValue(v: unknown): string {
  if (v === undefined) return '(unset)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

export function formatFieldChange(c: FieldChange): string {
  const where = c.path.length ? formatConfigPath(c.path) : '(whole)';
  if (c.kind === 'added') return `+ ${where}: ${formatValue(c.after)}`;
  if (c.kind === 'removed') return `- ${where}: ${formatValue(c.before)}`;
  return `~ ${where}: ${formatValue(c.before)} -> ${formatValue(c.after)}`;
}

/** Field lines of an added or removed thing are many and obvious: show at most a few. */
const FIELDS_OF_NEW = 6;

export function describeDiff(diff: ServeConfigDiff): string[] {
  const out: string[] = [];
  if (diff.deletes.length) {
    out.push(
      `WARNING: this apply DELETES ${diff.deletes.length} running application${diff.deletes.length === 1 ? '' : 's'}: ${diff.deletes.join(', ')} (Ray's PUT is declarative: applications left out of the config are removed)`,
    );
  }
  for (const app of diff.applications) {
    const status = app.liveStatus ? ` [${app.liveStatus}]` : '';
    const head = {
      added: 'ADDED',
      removed: 'DELETED',
      changed: 'CHANGED',
      unchanged: 'unchanged',
      kept: 'kept',
    }[app.change];
    out.push(`application ${app.name}${status}: ${head}${app.note ? ` — ${app.note}` : ''}`);
    if (app.change === 'unchanged' || app.change === 'kept') continue;
    const fields = app.change === 'changed' ? app.fields : app.fields.slice(0, FIELDS_OF_NEW);
    for (const f of fields) out.push(`    ${formatFieldChange(f)}`);
    if (fields.length < app.fields.length)
      out.push(`    (${app.fields.length - fields.length} more fields)`);
    for (const d of app.deployments) {
      if (d.change === 'unchanged') continue;
      out.push(`  deployment ${d.name}: ${d.change === 'removed' ? 'REMOVED' : d.change}`);
      if (d.change === 'removed') continue;
      const shown = d.change === 'changed' ? d.fields : d.fields.slice(0, FIELDS_OF_NEW);
      for (const f of shown) out.push(`      ${formatFieldChange(f)}`);
    }
  }
  for (const f of diff.ignoredTopLevel)
    out.push(
      `ignored by Ray while Serve runs: ${formatFieldChange(f)} (restart Serve to change it)`,
    );
  if (!diff.changed) out.push('No change: Ray already runs this config.');
  return out;
}
