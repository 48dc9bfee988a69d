/**
 * A pipeline's own file (`*.pipeline.yaml`): the graph as the editor holds it, Serve options and
 * layout included, in YAML. Reading refuses anything that is not a graph, naming the field, so a
 * bad file never replaces the editor's state; the core writes these files atomically.
 */
import { Document, isMap, isSeq, parse } from 'yaml';
import { PipelineGraphSchema, type PipelineGraph } from './graph';

export const PIPELINE_FILE_SUFFIX = '.pipeline.yaml';

/** The file's text: a header line, then the graph (layout positions as `[x, y]`). */
export function pipelineFileText(graph: PipelineGraph): string {
  const valid = PipelineGraphSchema.parse(graph);
  // id and kind first, Serve's deployment options last: read as the editor shows a stage
  const stages = valid.stages.map((s) => {
    const { id, kind, deployment, ...rest } = s;
    if (s.kind === 'llm') {
      const { model_loading_config, engine_kwargs, ...more } = s.llm_config;
      Object.assign(rest, { llm_config: { model_loading_config, engine_kwargs, ...more } });
    }
    return { id, kind, ...rest, ...(deployment ? { deployment } : {}) };
  });
  const doc = new Document({ ...valid, stages }, { aliasDuplicateObjects: false });
  const layout = doc.get('layout');
  if (isMap(layout)) for (const pair of layout.items) if (isSeq(pair.value)) pair.value.flow = true;
  doc.commentBefore =
    ' Raydeck pipeline (docs/pipeline-graph.md); compile: raydeck pipeline compile FILE';
  return doc.toString({ lineWidth: 0 });
}

/** The graph of a pipeline file's text; throws an Error naming the field or the YAML line. */
export function parsePipelineFile(text: string, file = 'pipeline file'): PipelineGraph {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`${file}: not YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const parsed = PipelineGraphSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    throw new Error(`${file}: ${where}: ${issue.message} (not a Raydeck pipeline graph, format 1)`);
  }
  return parsed.data;
}
