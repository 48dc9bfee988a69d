/** The nodes feature's public door. */
export { NodesPage } from './NodesPage';
export { nodesKey, useNodes, useNodesOfClusters } from './use-nodes';
