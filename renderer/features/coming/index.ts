/** Empty states for pages whose features are still to come. */
export { ComingPage } from './ComingPage';
