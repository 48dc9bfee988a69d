/** The nodes feature's public door. */
export { NodesPage } from './NodesPage';
export { useNodes } from './use-nodes';
