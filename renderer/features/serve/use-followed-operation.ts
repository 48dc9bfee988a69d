/**
 * Follows one apply or rollback operation: its state and progress (`operation.progress`
 * events, after one `operations.get` for what happened before the page subscribed) and its log
 * (Ray's messages, replica counts), bounded to the last lines.
 */
import { useEffect, useState } from 'react';
import type { Operation, OperationLogLine } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

const LOG_TAIL = 300;

export function useFollowedOperation(operationId: string | null): {
  op: Operation | null;
  lines: OperationLogLine[];
  error: unknown;
} {
  const client = useRaydeck();
  const [op, setOp] = useState<Operation | null>(null);
  const [lines, setLines] = useState<OperationLogLine[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setOp(null);
    setLines([]);
    setError(null);
    if (!operationId) return;
    let alive = true;
    let gotEvent = false;
    const live: OperationLogLine[] = [];
    const offProgress = client.subscribe('operation.progress', (o) => {
      if (o.id !== operationId) return;
      gotEvent = true;
      setOp(o);
    });
    const offLog = client.subscribe('operation.log', (line) => {
      if (line.operationId !== operationId) return;
      live.push(line);
      setLines((prev) => [...prev, line].slice(-LOG_TAIL));
    });
    void client.call('operations.get', { id: operationId }).then(
      (o) => alive && !gotEvent && setOp(o),
      (err) => alive && setError(err),
    );
    void client.call('operations.logs', { id: operationId, tail: LOG_TAIL }).then(
      (earlier) => {
        if (!alive) return;
        const last = earlier.at(-1)?.at ?? '';
        setLines([...earlier, ...live.filter((l) => l.at > last)].slice(-LOG_TAIL));
      },
      () => {},
    );
    return () => {
      alive = false;
      offProgress();
      offLog();
    };
  }, [client, operationId]);
  return { op, lines, error };
}
