/** The public door of the contract: what the core, the shell and the renderer import. */
export * from './contract/errors';
export * from './contract/result';
export * from './contract/methods';
export * from './contract/events';
export * from './domain/names';
export * from './domain/cluster';
export * from './domain/operation';
export * from './transport/transport';
export * from './transport/client';
export { ClientFrame, ServerFrame, MAX_FRAME_BYTES } from './transport/wire';
export { contentSecurityPolicy } from './security/csp';
export * from './transport/ipc-bridge';
export * from './domain/node';
export * from './domain/bringup';
export * from './domain/long-lines';
export * from './domain/ansi';
export * from './serve';
export * from './domain/model';
