/**
 * Serve server state: the live instance (`serve.status`, read every 3 s while the page is open
 * and visible, and again whenever an apply of this cluster reports progress), the history,
 * one version's text, validation of the edited text (debounced), and the calls that start
 * work (diff, apply, rollback).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { MethodInput, MethodOutput } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import { serveKeys } from './serve-keys';

export const STATUS_POLL_MS = 3000;
export const VALIDATE_DEBOUNCE_MS = 350;

export function useServeStatus(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  // An apply or rollback of this cluster moved: what Ray runs changed, read it (and the history) again.
  useCoreEvent('operation.progress', (op) => {
    if (op.kind !== 'serve-apply' || op.clusterId !== clusterId) return;
    void qc.invalidateQueries({ queryKey: serveKeys.status(clusterId) });
    if (op.state !== 'running')
      void qc.invalidateQueries({ queryKey: serveKeys.history(clusterId) });
  });
  return useQuery({
    queryKey: serveKeys.status(clusterId),
    queryFn: () => client.call('serve.status', { clusterId }),
    staleTime: 1000,
    retry: 0,
    // react-query pauses the interval while the tab is hidden; a cluster that does not answer is asked less often.
    refetchInterval: (q) => (q.state.status === 'error' ? STATUS_POLL_MS * 5 : STATUS_POLL_MS),
  });
}

export function useServeHistory(clusterId: string) {
  const client = useRaydeck();
  return useQuery({
    queryKey: serveKeys.history(clusterId),
    queryFn: () => client.call('serve.history', { clusterId }),
    staleTime: 5000,
  });
}

export function useServeVersion(clusterId: string, version: number | null) {
  const client = useRaydeck();
  return useQuery({
    queryKey: serveKeys.version(clusterId, version ?? 0),
    queryFn: () => client.call('serve.get', { clusterId, version: version! }),
    enabled: version !== null,
    // A recorded version's text never changes.
    staleTime: Infinity,
  });
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Validation of `text` (null: none yet), asked once typing pauses; `forText` says which text the findings belong to. */
export function useServeValidation(text: string | null) {
  const client = useRaydeck();
  const debounced = useDebounced(text, VALIDATE_DEBOUNCE_MS);
  const q = useQuery({
    queryKey: serveKeys.validate(debounced ?? ''),
    queryFn: () => client.call('serve.validate', { text: debounced ?? '' }),
    // Nothing to check before the first draft loaded (an empty text would be "no applications").
    enabled: debounced !== null,
    staleTime: Infinity,
    gcTime: 30_000,
    retry: 0,
    placeholderData: keepPreviousData,
  });
  return { ...q, forText: q.isPlaceholderData ? null : debounced };
}

export function useServeDiff(clusterId: string) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (text: string) => client.call('serve.diff', { clusterId, text }),
  });
}

export function useServeApply(clusterId: string) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (input: Omit<MethodInput<'serve.apply'>, 'clusterId' | 'wait'>) =>
      client.call('serve.apply', { clusterId, wait: true, ...input }),
  });
}

export function useServeRollback(clusterId: string) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (version: number) =>
      client.call('serve.rollback', { clusterId, version, wait: true }),
  });
}

/** One validator finding as it crosses the contract (ServeDiagnostic with `code` as plain text). */
export type ServeFinding = MethodOutput<'serve.validate'>['diagnostics'][number];
