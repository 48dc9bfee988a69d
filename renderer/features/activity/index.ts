/** The activity feature's public door: operations with progress and logs. */
export { ActivityPage } from './ActivityPage';
