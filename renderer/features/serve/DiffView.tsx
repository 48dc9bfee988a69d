/**
 * A structural diff as the review shows it: first, loudly, the applications the PUT would
 * DELETE (Ray's PUT is declarative), then each application and deployment with its fields as
 * old -> new; unchanged ones folded into one line.
 */
import {
  formatConfigPath,
  formatValue,
  type FieldChange,
  type ServeConfigDiff,
} from '../../../shared';
import { RayStatus } from './LiveView';

function Field({ f }: { f: FieldChange }) {
  const where = f.path.length ? formatConfigPath(f.path) : '(whole)';
  return (
    <li
      className={`serve-field-change change-${f.kind}`}
      data-testid="diff-field"
      data-kind={f.kind}
    >
      <span className="mono">{where}</span>{' '}
      {f.kind === 'added' ? (
        <span className="mono ok-text">+ {formatValue(f.after)}</span>
      ) : f.kind === 'removed' ? (
        <span className="mono bad-text">− {formatValue(f.before)}</span>
      ) : (
        <span className="mono">
          <span className="serve-old">{formatValue(f.before)}</span> →{' '}
          <span className="serve-new">{formatValue(f.after)}</span>
        </span>
      )}
    </li>
  );
}

const CHANGE_LABEL = {
  added: 'added',
  removed: 'DELETED',
  changed: 'changed',
  unchanged: 'unchanged',
  kept: 'kept',
} as const;

export function DiffView({ diff }: { diff: ServeConfigDiff }) {
  const unchanged = diff.applications.filter(
    (a) => a.change === 'unchanged' || a.change === 'kept',
  );
  const moving = diff.applications.filter((a) => a.change !== 'unchanged' && a.change !== 'kept');
  return (
    <div className="serve-diff" data-testid="serve-diff">
      {diff.deletes.length ? (
        <div className="banner error serve-deletes" role="alert" data-testid="diff-deletes">
          <strong>
            This apply DELETES {diff.deletes.length} running application
            {diff.deletes.length === 1 ? '' : 's'}: {diff.deletes.join(', ')}.
          </strong>{' '}
          Ray's PUT is declarative: applications left out of the config are removed with their
          replicas. Add {diff.deletes.length === 1 ? 'it' : 'them'} back to the config to keep{' '}
          {diff.deletes.length === 1 ? 'it' : 'them'}.
        </div>
      ) : null}
      {!diff.changed ? (
        <p className="muted" data-testid="diff-no-change">
          No change: Ray already runs this config.
        </p>
      ) : null}
      <ul className="serve-diff-apps">
        {moving.map((a) => (
          <li
            key={a.name}
            className={`serve-diff-app change-${a.change}`}
            data-testid="diff-app"
            data-name={a.name}
            data-change={a.change}
          >
            <div className="serve-row">
              <strong>{a.name}</strong>
              <span className={`badge change-badge change-${a.change}`}>
                {CHANGE_LABEL[a.change]}
              </span>
              {a.liveStatus ? <RayStatus status={a.liveStatus} /> : null}
            </div>
            {a.note ? <p className="small muted">{a.note}</p> : null}
            {a.change !== 'removed' && a.fields.length ? (
              <ul className="serve-fields">
                {a.fields.map((f, i) => (
                  <Field key={i} f={f} />
                ))}
              </ul>
            ) : null}
            {a.deployments
              .filter((d) => d.change !== 'unchanged')
              .map((d) => (
                <div
                  key={d.name}
                  className="serve-diff-dep"
                  data-testid="diff-deployment"
                  data-name={d.name}
                  data-change={d.change}
                >
                  <span>
                    deployment <strong>{d.name}</strong>{' '}
                    <span className={`badge change-badge change-${d.change}`}>
                      {d.change === 'removed' ? 'REMOVED' : d.change}
                    </span>
                  </span>
                  {d.change !== 'removed' && d.fields.length ? (
                    <ul className="serve-fields">
                      {d.fields.map((f, i) => (
                        <Field key={i} f={f} />
                      ))}
                    </ul>
                  ) : null}
                </div>
              ))}
          </li>
        ))}
      </ul>
      {unchanged.length ? (
        <p className="muted small" data-testid="diff-unchanged">
          Unchanged:{' '}
          {unchanged
            .map((a) => `${a.name}${a.change === 'kept' ? ' (deployed with serve.run, kept)' : ''}`)
            .join(', ')}
        </p>
      ) : null}
      {diff.ignoredTopLevel.length ? (
        <ul className="warnings" data-testid="diff-ignored">
          {diff.ignoredTopLevel.map((f, i) => (
            <li key={i}>
              Ray ignores {formatConfigPath(f.path)} while Serve runs ({formatValue(f.before)} →{' '}
              {formatValue(f.after)}): restart Serve to change it.
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
