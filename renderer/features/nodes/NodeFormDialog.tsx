/**
 * Add or edit a node: address, login, authentication (agent, key file with optional passphrase,
 * password), role and jump host. Every field is checked by the core; its message shows under the
 * field. Secrets are sent once and kept by the core; the remember box says where they would go.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ClusterNode, NodeAuth, NodeRole } from '../../../shared';
import { errorText } from '../../app/error-text';
import { Field, unplacedIssues } from '../../app/form';
import { Dialog, ErrorBanner, SubmitActions, useSingleFlight } from '../../ui';
import { useAppInfo, useSaveNode } from './use-nodes';

type AuthKind = NodeAuth['kind'];

export function NodeFormDialog({
  clusterId,
  node,
  nodes,
  onClose,
}: {
  clusterId: string;
  node: ClusterNode | null;
  nodes: ClusterNode[];
  onClose: () => void;
}) {
  const save = useSaveNode();
  const info = useAppInfo();
  const [name, setName] = useState(node?.name ?? '');
  const [host, setHost] = useState(node?.host ?? '');
  const [port, setPort] = useState(String(node?.port ?? 22));
  const [user, setUser] = useState(node?.user ?? '');
  const [role, setRole] = useState<NodeRole>(
    node?.role ?? (nodes.some((n) => n.role === 'head') ? 'worker' : 'head'),
  );
  const [authKind, setAuthKind] = useState<AuthKind>(node?.auth.kind ?? 'key');
  const [identityFile, setIdentityFile] = useState(
    node?.auth.kind === 'key' ? node.auth.identityFile : '~/.ssh/id_ed25519',
  );
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  const [jumpNodeId, setJumpNodeId] = useState<string>(node?.jumpNodeId ?? '');
  const first = useRef<HTMLInputElement>(null);
  const once = useSingleFlight();
  useEffect(() => first.current?.focus(), []);

  const auth: NodeAuth =
    authKind === 'key'
      ? { kind: 'key', identityFile }
      : authKind === 'password'
        ? { kind: 'password' }
        : { kind: 'agent' };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = {
      name,
      host,
      port: Number(port),
      user,
      role,
      auth,
      jumpNodeId: jumpNodeId || null,
      ...(secret ? { secret, rememberSecret: remember } : {}),
    };
    const request = node
      ? { kind: 'update' as const, value: { id: node.id, ...fields } }
      : { kind: 'add' as const, value: { clusterId, ...fields } };
    setEdited(new Set());
    once((done) => save.mutate(request, { onSuccess: onClose, onSettled: done }));
  };
  const err = save.error;
  // A field's message is about the value as it was sent: once the field is edited, it no longer applies.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const touched = (path: string) =>
    setEdited((prev) => (prev.has(path) ? prev : new Set(prev).add(path)));
  const errFor = (path: string) => (edited.has(path) ? null : err);
  const placed = [
    'name',
    'host',
    'port',
    'user',
    'role',
    'auth.identityFile',
    'jumpNodeId',
    'secret',
  ];
  const leftover = err ? unplacedIssues(err, placed) : [];
  const storage = info.data?.secretStorage;
  const secretLabel = authKind === 'password' ? 'Password' : 'Key passphrase';

  return (
    <Dialog
      title={node ? `Edit ${node.name}` : 'Add node'}
      onClose={onClose}
      onSubmit={submit}
      wide
      actions={
        <SubmitActions
          onCancel={onClose}
          label={node ? 'Save' : 'Add node'}
          busyLabel="Saving…"
          busy={save.isPending}
        />
      }
    >
      <div className="form-grid">
        <Field label="Name" path="name" error={errFor('name')}>
          <input
            ref={first}
            value={name}
            onChange={(e) => {
              touched('name');
              setName(e.target.value);
            }}
            placeholder="gpu-01"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field label="Role" path="role" error={errFor('role')}>
          <select
            value={role}
            onChange={(e) => {
              touched('role');
              setRole(e.target.value as NodeRole);
            }}
          >
            <option value="head">Ray head</option>
            <option value="worker">Ray worker</option>
            <option value="jump">Jump host only (not in Ray)</option>
          </select>
        </Field>
        <Field label="Host" path="host" error={errFor('host')}>
          <input
            value={host}
            onChange={(e) => {
              touched('host');
              setHost(e.target.value);
            }}
            placeholder="gpu-01.lab or 10.0.0.11"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field label="Port" path="port" error={errFor('port')}>
          <input
            value={port}
            onChange={(e) => {
              touched('port');
              setPort(e.target.value);
            }}
            inputMode="numeric"
          />
        </Field>
        <Field label="User" path="user" error={errFor('user')}>
          <input
            value={user}
            onChange={(e) => {
              touched('user');
              setUser(e.target.value);
            }}
            placeholder="ubuntu"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field
          label="Jump host"
          path="jumpNodeId"
          error={errFor('jumpNodeId')}
          hint="Reach this node through another node (ProxyJump); each hop's key is verified."
        >
          <select
            value={jumpNodeId}
            onChange={(e) => {
              touched('jumpNodeId');
              setJumpNodeId(e.target.value);
            }}
          >
            <option value="">None (direct)</option>
            {nodes
              .filter((n) => n.id !== node?.id)
              .map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name} ({n.host})
                </option>
              ))}
          </select>
        </Field>
      </div>
      <fieldset className="auth-choice">
        <legend>Authentication</legend>
        {(['key', 'agent', 'password'] as const).map((k) => (
          <label key={k} className="radio">
            <input
              type="radio"
              name="auth"
              value={k}
              checked={authKind === k}
              onChange={() => setAuthKind(k)}
            />
            {k === 'key' ? 'Key file' : k === 'agent' ? 'SSH agent' : 'Password'}
          </label>
        ))}
      </fieldset>
      {authKind === 'key' ? (
        <Field
          label="Key file"
          path="auth.identityFile"
          error={errFor('auth.identityFile')}
          hint="Path on this machine; ~ is your home."
        >
          <input
            value={identityFile}
            onChange={(e) => {
              touched('auth.identityFile');
              setIdentityFile(e.target.value);
            }}
            spellCheck={false}
          />
        </Field>
      ) : null}
      {authKind !== 'agent' ? (
        <>
          <Field
            label={secretLabel}
            path="secret"
            error={err}
            hint={
              authKind === 'key'
                ? 'Only if the key is encrypted.'
                : node?.hasSecret
                  ? 'Leave empty to keep the current one.'
                  : 'You can also give it when Raydeck first connects.'
            }
          >
            <input
              type="password"
              value={secret}
              onChange={(e) => {
                touched('secret');
                setSecret(e.target.value);
              }}
              autoComplete="new-password"
            />
          </Field>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={remember}
              onChange={(e) => setRemember(e.target.checked)}
              disabled={!secret}
            />
            Remember it on this machine
          </label>
          <p className="muted small" data-testid="secret-storage-note">
            {storage?.kind === 'os-encrypted'
              ? `Remembered secrets are encrypted with ${storage.where}.`
              : `Browser mode: without this box the ${secretLabel.toLowerCase()} is kept in memory only and asked again after a restart. With it, it is stored unencrypted in ${storage?.where ?? 'the Raydeck folder'} (readable only by your user).`}
          </p>
        </>
      ) : (
        <p className="muted small">Uses the agent at $SSH_AUTH_SOCK of the Raydeck process.</p>
      )}
      <ErrorBanner
        error={err && (leftover.length || !(err as { issues?: unknown }).issues) ? err : null}
      >
        {leftover.length ? leftover.join('; ') : errorText(err)}
      </ErrorBanner>
    </Dialog>
  );
}
