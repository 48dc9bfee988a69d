/**
 * The Add-model dialog: a name (also the model's folder on the nodes) and a source — a folder
 * on this computer that Raydeck pushes over SFTP (air-gapped clusters), or a Hugging Face repo
 * the nodes fetch themselves. The core checks every field; its messages show by the field.
 */
import { useState, type FormEvent } from 'react';
import { modelDirOnNode, type ModelSource } from '../../../shared';
import { Field, unplacedIssues } from '../../app/form';
import { Dialog, ErrorBanner, SubmitActions } from '../../ui';
import { useAddModel } from './use-models';

export function AddModelDialog({ clusterId, onClose }: { clusterId: string; onClose(): void }) {
  const add = useAddModel(clusterId);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ModelSource['kind']>('local');
  const [dir, setDir] = useState('');
  const [repo, setRepo] = useState('');
  const [revision, setRevision] = useState('');
  const err = add.error;
  const leftover = err
    ? unplacedIssues(err, ['name', 'source.dir', 'source.repo', 'source.revision'])
    : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (add.isPending) return;
    const source: ModelSource =
      kind === 'local'
        ? { kind: 'local', dir: dir.trim() }
        : {
            kind: 'huggingface',
            repo: repo.trim(),
            ...(revision.trim() ? { revision: revision.trim() } : {}),
          };
    add.mutate({ name: name.trim(), source }, { onSuccess: onClose });
  };
  return (
    <Dialog
      title="Add model"
      onClose={onClose}
      onSubmit={submit}
      testId="add-model-dialog"
      actions={
        <SubmitActions
          onCancel={onClose}
          label="Add model"
          busyLabel="Adding…"
          busy={add.isPending}
        />
      }
    >
      <Field
        label="Name"
        path="name"
        error={err}
        hint={`On every node: ${modelDirOnNode(name.trim() || '<name>')}`}
      >
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label="Model name"
          placeholder="tiny-llama"
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <fieldset className="auth-choice">
        <legend>Source</legend>
        <label className="radio">
          <input type="radio" checked={kind === 'local'} onChange={() => setKind('local')} />
          Folder on this computer (pushed over SFTP)
        </label>
        <label className="radio">
          <input
            type="radio"
            checked={kind === 'huggingface'}
            onChange={() => setKind('huggingface')}
          />
          Hugging Face repo (the nodes fetch it)
        </label>
      </fieldset>
      {kind === 'local' ? (
        <Field
          label="Folder"
          path="source.dir"
          error={err}
          hint="config.json, weights and tokenizer files; pushed with checksums, files already there are skipped."
        >
          <input
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            aria-label="Model folder"
            placeholder="/home/me/models/llama-3.1-8b"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
      ) : (
        <>
          <Field label="Repo" path="source.repo" error={err} hint="org/name, e.g. Qwen/Qwen3-0.6B">
            <input
              value={repo}
              onChange={(e) => setRepo(e.target.value)}
              aria-label="Hugging Face repo id"
              placeholder="org/name"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
          <Field
            label="Revision"
            path="source.revision"
            error={err}
            hint="Optional branch, tag or commit."
          >
            <input
              value={revision}
              onChange={(e) => setRevision(e.target.value)}
              aria-label="Revision"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        </>
      )}
      <ErrorBanner error={leftover.length ? err : err && !hasIssues(err) ? err : null}>
        {leftover.length ? leftover.join('; ') : undefined}
      </ErrorBanner>
    </Dialog>
  );
}

function hasIssues(err: unknown): boolean {
  return Boolean((err as { issues?: unknown[] } | null)?.issues?.length);
}
