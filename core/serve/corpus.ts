/** Where the Serve config corpus lies (real configs, see corpus/SOURCES.md), for the tests that read it. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');
export const corpusFiles = (): string[] =>
  fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
