/**
 * The example pipelines in docs/examples/ (the testbed's tiny models under /root/.raydeck/models)
 * open, equal the examples of shared/pipeline/fixtures.ts, and compile without an error.
 * RAYDECK_WRITE_PIPELINE_EXAMPLES=1 rewrites them from the fixtures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compilePipeline,
  gatewayPipeline,
  parsePipelineFile,
  pipelineFileText,
  ragPipeline,
  tpPipeline,
  type PipelineGraph,
} from '../../shared';

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/examples');
const FILES: Record<string, () => PipelineGraph> = {
  'rag.pipeline.yaml': ragPipeline,
  'gateway.pipeline.yaml': gatewayPipeline,
  'tp-llm.pipeline.yaml': () => tpPipeline(2),
};

describe('docs/examples pipelines', () => {
  it.each(Object.keys(FILES))('%s opens as its example and compiles', (name) => {
    const file = path.join(EXAMPLES, name);
    if (process.env.RAYDECK_WRITE_PIPELINE_EXAMPLES === '1')
      fs.writeFileSync(file, pipelineFileText(FILES[name]!()));
    const graph = parsePipelineFile(fs.readFileSync(file, 'utf8'), name);
    expect(graph).toEqual(FILES[name]!());
    const out = compilePipeline(graph, {
      cluster: { nodes: [{ name: 'gpu', gpus: 2, gpuMemoryMiB: 81559 }] },
    });
    expect(out.refusal).toBeNull();
  });

  it('the CPU examples use the testbed models where the serving test puts them', () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'rag.pipeline.yaml'), 'utf8');
    for (const m of ['tiny-llama', 'tiny-embed', 'tiny-rerank'])
      expect(text).toContain(`/root/.raydeck/models/${m}`);
  });
});
