/** The Monitor feature's public door: the live Monitor page and the sidebar's alert count. */
export { MonitorPage } from './MonitorPage';
export { MonitorAlertBadge } from './MonitorAlertBadge';
