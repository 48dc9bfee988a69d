/**
 * The "Add cluster" dialog: a name, checked by the core; its error shows next to the field and
 * goes away as soon as the name is edited. A double click adds the cluster once and closes.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText, fieldIssues } from '../../app/error-text';
import { Dialog, ErrorBanner, SubmitActions, useSingleFlight } from '../../ui';
import { useCreateCluster } from './use-clusters';

export function AddClusterDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated?: (clusterId: string) => void;
}) {
  const [name, setName] = useState('');
  const create = useCreateCluster();
  const inputRef = useRef<HTMLInputElement>(null);
  const once = useSingleFlight();
  useEffect(() => inputRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    once((done) =>
      create.mutate(name, {
        onSuccess: (c) => {
          onCreated?.(c.id);
          onClose();
        },
        onSettled: done,
      }),
    );
  };
  const nameErrors = create.error ? fieldIssues(create.error, 'name') : [];
  const generalError = create.error && nameErrors.length === 0 ? errorText(create.error) : null;

  return (
    <Dialog
      title="Add cluster"
      onClose={onClose}
      onSubmit={submit}
      actions={
        <SubmitActions
          onCancel={onClose}
          label="Add cluster"
          busyLabel="Adding…"
          busy={create.isPending}
        />
      }
    >
      <p className="muted">
        A cluster groups the GPU nodes Raydeck brings up as one Ray cluster. You add its nodes next.
      </p>
      <label className="field">
        <span>Name</span>
        <input
          ref={inputRef}
          name="cluster-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            // The message was about the name as it was; an edited name has not been checked yet.
            if (create.error) create.reset();
          }}
          placeholder="gpu-lab"
          aria-invalid={nameErrors.length > 0}
          aria-describedby="cluster-name-help"
          autoComplete="off"
          spellCheck={false}
        />
        <small
          id="cluster-name-help"
          className={nameErrors.length ? 'field-error' : 'muted'}
          data-testid="cluster-name-error"
        >
          {nameErrors.length
            ? `Name ${nameErrors.join('; ')}`
            : 'Letters, digits, ".", "_" and "-"; up to 63 characters.'}
        </small>
      </label>
      <ErrorBanner error={generalError}>{generalError}</ErrorBanner>
    </Dialog>
  );
}
