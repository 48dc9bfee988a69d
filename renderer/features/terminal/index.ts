/** The terminal feature's public door. */
export { TerminalPage } from './TerminalPage';
