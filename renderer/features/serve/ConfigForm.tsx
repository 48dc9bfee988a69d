/**
 * The form editor: per application its name, route prefix and import path; per deployment a
 * fixed replica count or autoscaling (min / max / target ongoing requests), max ongoing
 * requests and the CPUs and GPUs each replica asks for. Every change is written into the YAML
 * text (config-form-model.ts), so both editors always show the same config.
 */
import { useEffect, useState } from 'react';
import type { ConfigPath } from '../../../shared';
import {
  addApplication,
  addDeployment,
  appPath,
  deploymentPath,
  editField,
  parseInput,
  readForm,
  setReplicaMode,
  showValue,
  type DeploymentFields,
} from './config-form-model';

type Kind = 'text' | 'number' | 'replicas';

/** One input: keeps what is typed until it is a value worth writing (a half-typed "1." stays here). */
function FormInput({
  label,
  value,
  kind,
  path,
  text,
  onText,
  testId,
}: {
  label: string;
  value: unknown;
  kind: Kind;
  path: ConfigPath;
  text: string;
  onText(t: string): void;
  testId: string;
}) {
  const shown = showValue(value);
  const [raw, setRaw] = useState(shown);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setRaw((r) => {
      const p = parseInput(r, kind);
      return 'value' in p && showValue(p.value) === shown ? r : shown;
    });
    setInvalid(false);
  }, [shown, kind]);
  const change = (next: string) => {
    setRaw(next);
    const p = parseInput(next, kind);
    if ('invalid' in p) return setInvalid(true);
    setInvalid(false);
    if (showValue(p.value) === shown) return;
    onText(editField(text, path, p.value));
  };
  return (
    <label className="field serve-field">
      <span>{label}</span>
      <input
        value={raw}
        onChange={(e) => change(e.target.value)}
        aria-invalid={invalid}
        data-testid={testId}
        inputMode={kind === 'text' ? undefined : 'decimal'}
      />
      {invalid ? (
        <small className="field-error">
          {kind === 'replicas' ? 'a number or auto' : 'a number'}
        </small>
      ) : null}
    </label>
  );
}

function DeploymentForm({
  app,
  d,
  text,
  onText,
}: {
  app: number;
  d: DeploymentFields;
  text: string;
  onText(t: string): void;
}) {
  const p = (...rest: ConfigPath) => deploymentPath(app, d.index, ...rest);
  const id = (f: string) => `form-${app}-${d.index}-${f}`;
  return (
    <fieldset className="serve-dep-form" data-testid="form-deployment" data-name={d.name}>
      <legend>Deployment {d.name}</legend>
      <div className="segmented" role="radiogroup" aria-label={`Replicas of ${d.name}`}>
        {(['fixed', 'auto'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={d.mode === m}
            className={d.mode === m ? 'active' : ''}
            onClick={() => onText(setReplicaMode(text, app, d.index, m))}
          >
            {m === 'fixed' ? 'Fixed replicas' : 'Autoscaling'}
          </button>
        ))}
      </div>
      <div className="serve-form-grid">
        {d.mode === 'fixed' ? (
          <FormInput
            label="num_replicas"
            value={d.numReplicas}
            kind="replicas"
            path={p('num_replicas')}
            text={text}
            onText={onText}
            testId={id('num_replicas')}
          />
        ) : (
          <>
            <FormInput
              label="min_replicas"
              value={d.minReplicas}
              kind="number"
              path={p('autoscaling_config', 'min_replicas')}
              text={text}
              onText={onText}
              testId={id('min_replicas')}
            />
            <FormInput
              label="max_replicas"
              value={d.maxReplicas}
              kind="number"
              path={p('autoscaling_config', 'max_replicas')}
              text={text}
              onText={onText}
              testId={id('max_replicas')}
            />
            <FormInput
              label="target_ongoing_requests"
              value={d.targetOngoing}
              kind="number"
              path={p('autoscaling_config', 'target_ongoing_requests')}
              text={text}
              onText={onText}
              testId={id('target_ongoing_requests')}
            />
          </>
        )}
        <FormInput
          label="max_ongoing_requests"
          value={d.maxOngoing}
          kind="number"
          path={p('max_ongoing_requests')}
          text={text}
          onText={onText}
          testId={id('max_ongoing_requests')}
        />
        <FormInput
          label="num_cpus"
          value={d.numCpus}
          kind="number"
          path={p('ray_actor_options', 'num_cpus')}
          text={text}
          onText={onText}
          testId={id('num_cpus')}
        />
        <FormInput
          label="num_gpus"
          value={d.numGpus}
          kind="number"
          path={p('ray_actor_options', 'num_gpus')}
          text={text}
          onText={onText}
          testId={id('num_gpus')}
        />
      </div>
    </fieldset>
  );
}

/** "Add deployment settings": the name must be a deployment of the application's code. */
function AddDeployment({
  app,
  text,
  onText,
}: {
  app: number;
  text: string;
  onText(t: string): void;
}) {
  const [name, setName] = useState('');
  const valid = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(name.trim());
  return (
    <div className="serve-add-dep">
      <label className="inline-field">
        <span className="muted small">Deployment name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label="Deployment name"
          data-testid={`form-${app}-new-deployment`}
        />
      </label>
      <button
        type="button"
        className="btn small"
        disabled={!valid}
        onClick={() => {
          onText(addDeployment(text, app, name.trim()));
          setName('');
        }}
      >
        Add deployment settings
      </button>
    </div>
  );
}

export function ConfigForm({ text, onText }: { text: string; onText(t: string): void }) {
  const model = readForm(text);
  if (!model.ok) {
    return (
      <p className="banner warn serve-form-blocked" role="status" data-testid="form-blocked">
        {model.reason}
      </p>
    );
  }
  if (model.applications.length === 0) {
    return (
      <div data-testid="form-empty">
        <p className="muted">No applications in this config yet.</p>
        <button type="button" className="btn" onClick={() => onText(addApplication(text))}>
          Add application
        </button>
      </div>
    );
  }
  return (
    <div className="serve-form" data-testid="serve-form">
      {model.applications.map((a) => (
        <section
          key={a.index}
          className="serve-app-form"
          data-testid="form-application"
          aria-label={`Application ${showValue(a.name) || a.index + 1}`}
        >
          <div className="serve-form-grid">
            <FormInput
              label="name"
              value={a.name}
              kind="text"
              path={appPath(a.index, 'name')}
              text={text}
              onText={onText}
              testId={`form-${a.index}-name`}
            />
            <FormInput
              label="route_prefix"
              value={a.routePrefix}
              kind="text"
              path={appPath(a.index, 'route_prefix')}
              text={text}
              onText={onText}
              testId={`form-${a.index}-route_prefix`}
            />
            <FormInput
              label="import_path"
              value={a.importPath}
              kind="text"
              path={appPath(a.index, 'import_path')}
              text={text}
              onText={onText}
              testId={`form-${a.index}-import_path`}
            />
          </div>
          {a.deployments.length === 0 ? (
            <p className="muted small">
              No deployment settings: Ray uses what the application's code sets.
            </p>
          ) : null}
          {a.deployments.map((d) => (
            <DeploymentForm key={d.index} app={a.index} d={d} text={text} onText={onText} />
          ))}
          <AddDeployment app={a.index} text={text} onText={onText} />
        </section>
      ))}
      <div>
        <button type="button" className="btn" onClick={() => onText(addApplication(text))}>
          Add application
        </button>
      </div>
    </div>
  );
}
