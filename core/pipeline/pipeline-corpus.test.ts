/**
 * The compiled example pipelines in the Serve config corpus (core/serve/corpus/raydeck-pipeline-*.yaml)
 * are exactly what compile writes today, so the corpus tests (Raydeck's validator) and the
 * serve-conformance stage (Ray 2.60's own ServeDeploySchema) check the compiler's real output.
 * RAYDECK_WRITE_PIPELINE_CORPUS=1 rewrites them after a deliberate change of the compiler.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, compilePipeline } from '../../shared';
import { CORPUS_DIR } from '../serve/corpus';

const CLUSTER = { nodes: [{ name: 'gpu-node', gpus: 8, gpuMemoryMiB: 81559 }] };
const pipelineCorpusFile = (name: string) => `raydeck-pipeline-${name}.yaml`;

describe('compiled pipelines in the Serve corpus', () => {
  it.each(Object.keys(FIXTURES))('%s is what compile writes today', (name) => {
    const out = compilePipeline(FIXTURES[name]!(), { cluster: CLUSTER });
    expect(out.refusal).toBeNull();
    const file = path.join(CORPUS_DIR, pipelineCorpusFile(name));
    if (process.env.RAYDECK_WRITE_PIPELINE_CORPUS === '1') fs.writeFileSync(file, out.yaml!);
    expect(fs.readFileSync(file, 'utf8')).toBe(out.yaml);
  });
});
