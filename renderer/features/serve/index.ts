/** The Serve feature's public door: the live Serve view, the config editors, safe apply, history and rollback. */
export { ServePage } from './ServePage';
