/** Handlers for live monitoring (subscribe, snapshot, series, prices) and scaling (preview, scale): core/monitor, core/serve. */
import type { monitorMethods } from '../../../shared/contract/monitor-methods';
import type { MonitorApi, ScaleApi } from '../../monitor/monitor-api';
import type { CoreContext, HandlersFor } from '../core-context';

export function monitorHandlers(
  ctx: CoreContext,
  monitor: MonitorApi,
  scaler: ScaleApi,
): HandlersFor<keyof typeof monitorMethods> {
  return {
    'monitor.subscribe': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return monitor.subscribe(clusterId);
    },
    'monitor.unsubscribe': async ({ clusterId }) => ({
      stopped: await monitor.unsubscribe(clusterId),
    }),
    'monitor.snapshot': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return monitor.snapshot(clusterId);
    },
    'monitor.series': async (input) => monitor.series(input),
    'monitor.setPrices': async (input) => {
      await ctx.inventory.get(input.clusterId);
      return monitor.setPrices(input);
    },
    'serve.scalePreview': async (input) => {
      await ctx.inventory.get(input.clusterId);
      return scaler.preview(input);
    },
    'serve.scale': async (input) => {
      await ctx.inventory.get(input.clusterId);
      return scaler.scale(input);
    },
  };
}
