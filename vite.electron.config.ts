/**
 * Builds the Electron main and preload into out/electron as CommonJS, one entry per run
 * (`--mode main`, `--mode preload`): a sandboxed preload can only `require('electron')`, so it
 * must be one self-contained file with the contract bundled in, never a shared chunk.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig(({ mode }) => {
  const entry = mode === 'preload' ? 'preload' : 'main';
  return {
    build: {
      outDir: 'out/electron',
      emptyOutDir: entry === 'main',
      target: 'node22',
      minify: false,
      ssr: true,
      lib: {
        entry: { [entry]: `electron/${entry}.ts` },
        formats: ['cjs'],
        fileName: () => `${entry}.cjs`,
      },
      rollupOptions: {
        external: entry === 'preload' ? ['electron'] : ['electron', 'ws', ...nodeBuiltins],
        output: { inlineDynamicImports: true },
      },
    },
    ssr: { noExternal: entry === 'preload' ? true : ['zod'] },
  };
});
