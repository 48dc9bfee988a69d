/** The "Add cluster" dialog: a name, checked by the core; its error shows next to the field. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText, fieldIssues } from '../../app/error-text';
import { useCreateCluster } from './use-clusters';

export function AddClusterDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const create = useCreateCluster();
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name, { onSuccess: onClose });
  };
  const nameErrors = create.error ? fieldIssues(create.error, 'name') : [];
  const generalError = create.error && nameErrors.length === 0 ? errorText(create.error) : null;

  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="add-cluster-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
        onSubmit={submit}
      >
        <h2 id="add-cluster-title">Add cluster</h2>
        <p className="muted">A cluster groups the GPU nodes Raydeck brings up as one Ray cluster. You add its nodes next.</p>
        <label className="field">
          <span>Name</span>
          <input
            ref={inputRef}
            name="cluster-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="gpu-lab"
            aria-invalid={nameErrors.length > 0}
            aria-describedby="cluster-name-help"
            autoComplete="off"
            spellCheck={false}
          />
          <small id="cluster-name-help" className={nameErrors.length ? 'field-error' : 'muted'} data-testid="cluster-name-error">
            {nameErrors.length ? `Name ${nameErrors.join('; ')}` : 'Letters, digits, ".", "_" and "-"; up to 63 characters.'}
          </small>
        </label>
        {generalError ? (
          <div className="banner error" role="alert">
            {generalError}
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add cluster'}
          </button>
        </div>
      </form>
    </div>
  );
}
