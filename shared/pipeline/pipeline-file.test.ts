/** Pipeline files: save then open gives the same graph; what is not a graph is refused, naming the field. */
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures';
import { parsePipelineFile, pipelineFileText } from './pipeline-file';

describe('pipeline files', () => {
  it('text and back gives the same graph, for every example', () => {
    for (const [name, make] of Object.entries(FIXTURES)) {
      const text = pipelineFileText(make());
      expect(text.startsWith('# Raydeck pipeline'), name).toBe(true);
      expect(parsePipelineFile(text), name).toEqual(make());
    }
    expect(pipelineFileText(FIXTURES.rag!())).toContain('api: [ 0, 0 ]');
  });

  it('refuses what is not a graph, naming the field or the YAML problem', () => {
    expect(() =>
      parsePipelineFile('name: x\nstages: [{id: a, kind: teleport}]', 'a.pipeline.yaml'),
    ).toThrow(/^a\.pipeline\.yaml: stages\.0\.kind: .*not a Raydeck pipeline graph/);
    expect(() => parsePipelineFile('name: [unclosed', 'b.pipeline.yaml')).toThrow(
      /^b\.pipeline\.yaml: not YAML/,
    );
    expect(() => parsePipelineFile('format: 2\nname: x\nstages: []')).toThrow(/format/);
  });
});
