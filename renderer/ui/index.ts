/** Raydeck's shared UI kit: the parts every feature draws the same way (issue 15 item 2). */
export { Dialog, SubmitActions, type DialogProps } from './Dialog';
export { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog';
export { ErrorBanner } from './ErrorBanner';
export {
  StatusBadge,
  CheckList,
  worstStatus,
  type CheckItem,
  type CheckStatus,
} from './StatusBadge';
export { EmptyState } from './EmptyState';
export { formatDateTime, formatNumber, formatTime } from './format';
export { AnsiLines, AnsiLine, ansiColor } from './AnsiText';
export { useSingleFlight } from './use-single-flight';
export { OperationProgress } from './OperationProgress';
export { FollowHead, type FollowHeadProps } from './FollowHead';
export { FieldRow } from './FieldRow';
export { PathDialog, PathField, type PathDialogProps } from './PathDialog';
