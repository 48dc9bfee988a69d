/**
 * Monitor server state: `monitor.subscribe` starts the cluster's collectors and returns the
 * snapshot, which becomes the cluster's live store (zustand, held as the react-query data, so a
 * fetch's status and retry stay react-query's); `monitor.delta`, `monitor.event` and
 * `monitor.alerts` are merged into that store as they come, and the delta's series points go
 * to the charts through a SeriesHub. Views read the store through selectors, so a delta that
 * moves only GPUs re-renders only what shows GPUs, in the same task as the message (a store
 * update renders synchronously; react-query's notifications wait for a timer, a second long task
 * per delta). The collectors keep running when the page closes, so the alerts badge in the
 * sidebar stays live; picking another cluster stops the previous one's.
 * Also the calls that change things: prices, scale preview, scale.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { create, useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MethodInput, MonitorSnapshot, ScaleChange } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import { LiveWindow } from './live-window';
import { applyAlerts, applyDelta, applyEvents } from './monitor-model';
import { recordPerf } from './perf-sink';
import { SeriesHub } from './series-hub';

/** The Monitor feature's react-query keys, in one place. */
export const monitorKeys = {
  all: ['monitor'] as const,
  snapshot: (clusterId: string) => ['monitor', 'snapshot', clusterId] as const,
};

/** Active alerts per cluster, for the sidebar badge (fed by monitor.alerts and snapshots). */
export const useMonitorAlerts = create<{
  counts: Record<string, number>;
  set(clusterId: string, n: number): void;
}>((set) => ({
  counts: {},
  set: (clusterId, n) =>
    set((s) => (s.counts[clusterId] === n ? s : { counts: { ...s.counts, [clusterId]: n } })),
}));

/** Keeps the badge's counts from the core's alert pushes; mounted once by the shell. */
export function useAlertCounts(): number {
  useCoreEvent('monitor.alerts', (p) =>
    useMonitorAlerts.getState().set(p.clusterId, p.alerts.length),
  );
  return useMonitorAlerts((s) => Object.values(s.counts).reduce((a, b) => a + b, 0));
}

/** A cluster's live monitor state: the snapshot with every push merged in. */
export type LiveMonitor = StoreApi<MonitorSnapshot>;

/** A slice of the live snapshot; the component re-renders only when the slice's identity changes. */
export function useLive<T>(live: LiveMonitor, select: (s: MonitorSnapshot) => T): T {
  return useStore(live, select);
}

export function useMonitor(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const key = monitorKeys.snapshot(clusterId);
  // One hub per cluster: charts of another cluster never receive these points.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const hub = useMemo(() => new SeriesHub(), [clusterId]);
  const update = (f: (s: MonitorSnapshot) => MonitorSnapshot) => {
    const live = qc.getQueryData<LiveMonitor>(key);
    if (live) live.setState(f(live.getState()), true);
  };
  useCoreEvent('monitor.delta', (d) => {
    if (d.clusterId !== clusterId) return;
    const t0 = performance.now();
    update((s) => applyDelta(s, d));
    hub.feed(d.series);
    recordPerf('delta', performance.now() - t0);
  });
  useCoreEvent('monitor.event', (p) => {
    if (p.clusterId === clusterId) update((s) => applyEvents(s, p.events));
  });
  useCoreEvent('monitor.alerts', (p) => {
    if (p.clusterId === clusterId) update((s) => applyAlerts(s, p.alerts));
  });
  const snapshot = useQuery({
    queryKey: key,
    queryFn: async (): Promise<LiveMonitor> => {
      const first = await client.call('monitor.subscribe', { clusterId });
      return createStore<MonitorSnapshot>()(() => first);
    },
    // Pushes keep it current; asking again would restart nothing but costs a whole snapshot.
    staleTime: Infinity,
    // Deltas are merged only while the page is open: coming back asks for a fresh snapshot.
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    retry: 0,
    // The data is a store: never to be compared or copied.
    structuralSharing: false,
  });
  const live = snapshot.data;
  useEffect(() => {
    if (!live) return;
    const count = (s: MonitorSnapshot) =>
      useMonitorAlerts.getState().set(clusterId, s.alerts.length);
    count(live.getState());
    return live.subscribe(count);
  }, [live, clusterId]);
  // Switching to another cluster stops this one's collectors (their nvidia-smi streams end);
  // leaving the page does not (the badge stays live). The new cluster's effect runs right after
  // this cleanup, before the microtask.
  useEffect(() => {
    useMonitorCluster.setState({ clusterId });
    return () => {
      queueMicrotask(() => {
        if (useMonitorCluster.getState().clusterId !== clusterId)
          void client.call('monitor.unsubscribe', { clusterId }).catch(() => {});
      });
    };
  }, [client, clusterId]);
  return { snapshot, hub };
}

/** The cluster the Monitor page shows (to tell "switched cluster" from "left the page"). */
export const useMonitorCluster = create<{ clusterId: string | null }>(() => ({ clusterId: null }));

/**
 * A LiveWindow for chart lines `keys`, attached to the hub while mounted and backfilled with
 * the core's recent history (`monitor.series`) so a chart opened late is not empty.
 */
export function useSeriesWindow(
  hub: SeriesHub,
  clusterId: string,
  keys: readonly string[],
  windowS: number,
): LiveWindow {
  const client = useRaydeck();
  const joined = keys.join('\n');
  const window = useMemo(() => new LiveWindow(joined.split('\n').length), [joined]);
  useEffect(() => {
    const list = joined.split('\n');
    const release = hub.attach(window, list);
    let alive = true;
    void client
      .call('monitor.series', { clusterId, keys: list, sinceMs: Date.now() - windowS * 1000 })
      .then(
        (res) => alive && hub.backfill(window, list, res.series),
        () => {},
      );
    return () => {
      alive = false;
      release();
    };
  }, [hub, window, client, clusterId, joined, windowS]);
  return window;
}

export function useSetPrices(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<MethodInput<'monitor.setPrices'>, 'clusterId'>) =>
      client.call('monitor.setPrices', { clusterId, ...input }),
    onSuccess: (prices) =>
      qc
        .getQueryData<LiveMonitor>(monitorKeys.snapshot(clusterId))
        ?.setState((s) => ({ cost: { ...s.cost, prices } })),
  });
}

export interface ScaleTarget {
  clusterId: string;
  app: string;
  deployment: string;
}

export function useScalePreview(t: ScaleTarget) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (change: ScaleChange) => client.call('serve.scalePreview', { ...t, change }),
  });
}

export function useScale(t: ScaleTarget) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (change: ScaleChange) => client.call('serve.scale', { ...t, change, wait: true }),
  });
}
