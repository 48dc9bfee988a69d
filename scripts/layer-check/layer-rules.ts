/**
 * The layer map of ../shared/DESIGN.md as data: which folder may import which, and which
 * packages each layer may use. check-layers.ts applies it to every import in the repo.
 */
export type Layer = 'shared' | 'core' | 'electron' | 'renderer' | 'remote';

export const LAYERS: readonly Layer[] = ['shared', 'core', 'electron', 'renderer', 'remote'];

/** Folders each layer may import from (itself included). */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  shared: ['shared'],
  core: ['core', 'shared'],
  electron: ['electron', 'core', 'shared'],
  renderer: ['renderer', 'shared'],
  remote: ['remote'],
};

/** Layers that may use Node built-ins (`node:fs`, `path`, ...). */
export const NODE_ALLOWED: ReadonlySet<Layer> = new Set(['core', 'electron']);

/** Packages a layer may import, or 'any' minus the deny list. */
export const PACKAGES: Record<
  Layer,
  { allow: readonly string[] | 'any'; deny: readonly string[] }
> = {
  shared: { allow: ['zod', 'yaml'], deny: [] },
  core: {
    allow: 'any',
    deny: ['electron', 'react', 'react-dom', '@tanstack/react-query', 'zustand', 'recharts'],
  },
  electron: { allow: 'any', deny: ['react', 'react-dom'] },
  renderer: { allow: 'any', deny: ['electron', 'ws', 'ssh2', 'node-pty', 'tsx'] },
  remote: { allow: [], deny: [] },
};

/** Packages any test file may import in addition to its layer's. */
export const TEST_PACKAGES: readonly string[] = [
  'vitest',
  '@testing-library/react',
  '@testing-library/dom',
  'jsdom',
];
