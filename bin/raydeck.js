#!/usr/bin/env node
// The `raydeck` command (package.json "bin"): runs the TypeScript CLI in core/cli through tsx,
// so `npx raydeck ...` works in a checkout right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exit(code);
