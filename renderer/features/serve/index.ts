/** The Serve feature's public door: the live Serve view, the config editors, safe apply, history and rollback. */
export { ServePage } from './ServePage';
// The Pipeline page deploys through the same review, apply and follow (issue 17).
export { ReviewDialog } from './ReviewDialog';
export { ApplyFollow } from './ApplyFollow';
export { useServeApply, type ServeFinding } from './use-serve';
export { serveKeys } from './serve-keys';
export type { FollowedApply } from './serve-draft-store';
