/** The Monitor page's UI state: which view shows, and which deployment is open (kept across page switches). */
import { create } from 'zustand';

export const MONITOR_VIEWS = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'gpus', label: 'GPUs → replicas', key: '2' },
  { id: 'deployments', label: 'Deployments', key: '3' },
  { id: 'events', label: 'Events and alerts', key: '4' },
  { id: 'cost', label: 'Cost', key: '5' },
] as const;

export type MonitorViewId = (typeof MONITOR_VIEWS)[number]['id'];

export const useMonitorUi = create<{
  view: MonitorViewId;
  /** `${app}/${deployment}` of the open deployment. */
  deployment: string | null;
  show(view: MonitorViewId): void;
  openDeployment(key: string): void;
}>((set) => ({
  view: 'overview',
  deployment: null,
  show: (view) => set({ view }),
  openDeployment: (key) => set({ view: 'deployments', deployment: key }),
}));
