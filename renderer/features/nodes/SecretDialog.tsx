/** Asks for a node's password or key passphrase when a connection needs it; remembered only if asked. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ClusterNode } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { Dialog, ErrorBanner, SubmitActions } from '../../ui';
import { useAppInfo } from './use-nodes';

export function SecretDialog({ node, onClose }: { node: ClusterNode; onClose: () => void }) {
  const client = useRaydeck();
  const info = useAppInfo();
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  const what = node.auth.kind === 'password' ? 'password' : 'key passphrase';
  const save = useMutation({
    mutationFn: async () => {
      await client.call('nodes.setSecret', { id: node.id, secret, remember });
      return client.call('nodes.connect', { id: node.id });
    },
    onSuccess: onClose,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const storage = info.data?.secretStorage;
  return (
    <Dialog
      title={`${node.name}: ${what}`}
      onClose={onClose}
      onSubmit={submit}
      actions={
        <SubmitActions
          onCancel={onClose}
          label="Connect"
          busy={save.isPending}
          disabled={!secret}
        />
      }
    >
      <label className="field">
        <span>{what[0]!.toUpperCase() + what.slice(1)}</span>
        <input
          type="password"
          autoFocus
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="current-password"
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{' '}
        Remember it on this machine
      </label>
      <p className="muted small">
        {storage?.kind === 'os-encrypted'
          ? `Encrypted with ${storage.where}.`
          : `Browser mode: kept in memory unless remembered; remembered means stored unencrypted in ${storage?.where ?? 'the Raydeck folder'}.`}
      </p>
      <ErrorBanner error={save.error} />
    </Dialog>
  );
}
