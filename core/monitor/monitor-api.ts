/**
 * What the monitor handlers need from the core's monitoring and scaling services: the seam
 * between core/api/handlers/monitor.ts and core/monitor (MonitorService) + core/serve (scaling).
 */
import type { MethodOutput, MethodParsedInput } from '../../shared/contract/methods';

export interface MonitorApi {
  subscribe(clusterId: string): Promise<MethodOutput<'monitor.subscribe'>>;
  unsubscribe(clusterId: string): Promise<boolean>;
  snapshot(clusterId: string): Promise<MethodOutput<'monitor.snapshot'>>;
  series(input: MethodParsedInput<'monitor.series'>): Promise<MethodOutput<'monitor.series'>>;
  setPrices(
    input: MethodParsedInput<'monitor.setPrices'>,
  ): Promise<MethodOutput<'monitor.setPrices'>>;
}

export interface ScaleApi {
  preview(
    input: MethodParsedInput<'serve.scalePreview'>,
  ): Promise<MethodOutput<'serve.scalePreview'>>;
  scale(input: MethodParsedInput<'serve.scale'>): Promise<MethodOutput<'serve.scale'>>;
}
