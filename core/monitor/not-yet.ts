/**
 * TEMPORARY (issue 18, step 1): the monitor contract is declared before MonitorService and the
 * scaler exist; until they are wired in create-core.ts every monitor method is refused with a
 * readable reason. Deleted when the service lands.
 */
import { RaydeckError } from '../../shared/contract/errors';
import type { MonitorApi, ScaleApi } from './monitor-api';

const refuse = (): never => {
  throw new RaydeckError({
    code: 'conflict',
    message: 'Monitoring is not available in this build yet (the monitor service is not wired).',
  });
};

export const notYetMonitor: MonitorApi = {
  subscribe: async () => refuse(),
  unsubscribe: async () => refuse(),
  snapshot: async () => refuse(),
  series: async () => refuse(),
  setPrices: async () => refuse(),
};

export const notYetScaler: ScaleApi = {
  preview: async () => refuse(),
  scale: async () => refuse(),
};
