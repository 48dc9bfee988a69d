/**
 * Follows one operation (a scale's apply): `operation.progress` events, after one
 * `operations.get` for what happened before the panel listened.
 */
import { useEffect, useState } from 'react';
import type { Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

export function useOperation(operationId: string | null): { op: Operation | null; error: unknown } {
  const client = useRaydeck();
  const [op, setOp] = useState<Operation | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setOp(null);
    setError(null);
    if (!operationId) return;
    let alive = true;
    let heard = false;
    const off = client.subscribe('operation.progress', (o) => {
      if (o.id !== operationId) return;
      heard = true;
      setOp(o);
    });
    void client.call('operations.get', { id: operationId }).then(
      (o) => alive && !heard && setOp(o),
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
      off();
    };
  }, [client, operationId]);
  return { op, error };
}
