/** The clusters feature's public door. */
export { ClustersPage } from './ClustersPage';
export { ClusterPicker, useCurrentCluster } from './ClusterPicker';
export { useClusters } from './use-clusters';
