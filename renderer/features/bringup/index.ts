/** The bring-up feature's public door: plan, run and follow a cluster bring-up; the live cluster. */
export { BringupPage } from './BringupPage';
export { ClusterCardSummary } from './ClusterCardSummary';
export { BringupActivityCard, useAllBringups } from './BringupActivity';
export { useLastNodeChange } from './use-bringup';
