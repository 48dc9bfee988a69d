/**
 * Operations as server state: the list query is patched by `operation.progress` events; each
 * open log pane keeps a bounded tail fed by `operation.log` events. Also the results of the last
 * "Check this machine" (read again when a local-check operation ends).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Operation, OperationLogLine } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';

export const operationsKey = ['operations'] as const;
export const localChecksKey = ['localChecks'] as const;
const LOG_TAIL = 500;

export function useOperations() {
  const client = useRaydeck();
  const qc = useQueryClient();
  useCoreEvent('operation.progress', (op) =>
    qc.setQueryData<Operation[]>(operationsKey, (old) => {
      const list = old ?? [];
      const i = list.findIndex((o) => o.id === op.id);
      if (i < 0) return [op, ...list];
      const next = list.slice();
      next[i] = op;
      return next;
    }),
  );
  return useQuery({ queryKey: operationsKey, queryFn: () => client.call('operations.list', {}) });
}

/** The results of the last finished local check. */
export function useLocalChecks() {
  const client = useRaydeck();
  return useQuery({
    queryKey: localChecksKey,
    queryFn: () => client.call('app.localChecks', {}),
  });
}

export function useOperationLog(operationId: string | null): OperationLogLine[] {
  const client = useRaydeck();
  const [lines, setLines] = useState<OperationLogLine[]>([]);
  useEffect(() => {
    setLines([]);
    if (!operationId) return;
    let alive = true;
    const live: OperationLogLine[] = [];
    const off = client.subscribe('operation.log', (line) => {
      if (line.operationId !== operationId) return;
      live.push(line);
      setLines((prev) => [...prev, line].slice(-LOG_TAIL));
    });
    void client.call('operations.logs', { id: operationId, tail: LOG_TAIL }).then(
      (history) => {
        if (!alive) return;
        // History first; live lines that raced the request are kept only if newer.
        const last = history.at(-1)?.at ?? '';
        setLines([...history, ...live.filter((l) => l.at > last)].slice(-LOG_TAIL));
      },
      () => {},
    );
    return () => {
      alive = false;
      off();
    };
  }, [client, operationId]);
  return lines;
}
