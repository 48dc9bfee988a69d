/**
 * `raydeck pipeline compile PIPELINE [-o serve.yaml] [--cluster C] [--json]` and
 * `raydeck pipeline show SERVE_YAML [--json]`: the pipeline editor's compile and read-back on the
 * command line, over the same pipeline.* methods as the app. compile prints each failed check on
 * its stage and exits 1 naming the first stage; deploying is `raydeck serve apply`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  edgesOf,
  gpusPerReplica,
  replicasOf,
  type PipelineCheck,
  type PipelineGraph,
  type PipelineStage,
} from '../../../shared';
import { UsageError, type CliCommand } from '../cli-types';
import { table } from '../output';
import { findClusterByName } from './node';

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

const where = (c: PipelineCheck) => (c.stageId === null ? 'pipeline' : `stage "${c.stageId}"`);
const checkLine = (file: string, c: PipelineCheck) =>
  `${file}: ${c.severity} [${c.code}] ${where(c)}: ${c.message} — ${c.fix}`;

export const pipelineCompileCommand: CliCommand = {
  words: ['pipeline', 'compile'],
  usage: 'raydeck pipeline compile PIPELINE [-o serve.yaml] [--cluster C] [--json]',
  summary: 'Compile a pipeline file (*.pipeline.yaml) to a Serve config.',
  details: [
    "Checks the pipeline first (with --cluster: tensor parallel, GPUs and VRAM against the cluster's",
    'nodes from their last preflight) and refuses it when a check fails: one line per finding,',
    '`PIPELINE: error [code] stage "id": message — fix`, and exit 1 naming the first stage.',
    'Without -o the Serve YAML goes to stdout (findings to stderr). Deploy it with raydeck serve apply.',
    '--json prints {file, ok, yaml, checks}.',
  ],
  options: {
    output: { type: 'string', short: 'o' },
    cluster: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [{ name: 'PIPELINE', required: true }],
  async run({ values, positionals }, ctx) {
    const file = positionals[0]!;
    if (!file.endsWith('.pipeline.yaml'))
      throw new UsageError(`${file}: a pipeline file's name ends in .pipeline.yaml`);
    await readText(file); // a missing file is named as the user wrote it
    const client = ctx.client();
    const { graph } = await client.call('pipeline.open', { path: path.resolve(file) });
    const clusterId =
      typeof values.cluster === 'string'
        ? (await findClusterByName(client, values.cluster)).id
        : undefined;
    const out = await client.call('pipeline.compile', {
      graph,
      ...(clusterId ? { clusterId } : {}),
    });
    const output = typeof values.output === 'string' ? values.output : null;
    if (values.json === true)
      ctx.io.out(
        JSON.stringify(
          { file, ok: out.yaml !== null, yaml: out.yaml, checks: out.checks },
          null,
          2,
        ),
      );
    else {
      const show = out.yaml !== null && output === null ? ctx.io.err : ctx.io.out;
      for (const c of out.checks) show(checkLine(file, c));
    }
    const errors = out.checks.filter((c) => c.severity === 'error');
    if (out.yaml === null) {
      const first = errors[0];
      ctx.io.err(
        `raydeck: ${file} does not compile: ${first ? `${where(first)}: ${first.message}` : out.refusal}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
      );
      return 1;
    }
    if (output !== null) {
      const tmp = `${output}.${process.pid}.tmp`;
      await fs.writeFile(tmp, out.yaml);
      await fs.rename(tmp, output);
      if (values.json !== true)
        ctx.io.out(
          `${file}: compiled ${graph.stages.length} stages to ${output} (deploy: raydeck serve apply ${typeof values.cluster === 'string' ? values.cluster : 'CLUSTER'} ${output})`,
        );
    } else if (values.json !== true) ctx.io.out(out.yaml.replace(/\n$/, ''));
    return 0;
  },
};

/** What a stage is, in a few words: its model, import path or routes. */
function stageWhat(s: PipelineStage): string {
  switch (s.kind) {
    case 'llm': {
      const m = s.llm_config.model_loading_config;
      return `${m.model_id} (${typeof m.model_source === 'string' ? m.model_source : 'cloud mirror'})`;
    }
    case 'embedding':
    case 'reranker':
      return s.model;
    case 'custom':
      return s.import_path;
    case 'router':
      return `by ${s.options.field}${s.options.default ? `, default ${s.options.default}` : ''}`;
    case 'rag':
    case 'ingress':
      return '';
  }
}

function replicasText(s: PipelineStage): string {
  const r = replicasOf(s);
  return r.start === r.max ? String(r.start) : `${r.start}..${r.max}`;
}

/** A graph as text: its stages (kind, replicas, GPUs per replica, model) and edges. */
export function describeGraph(app: string, graph: PipelineGraph): string[] {
  const lines = [
    `application ${app}: pipeline "${graph.name}"${graph.readOnly ? ` (read-only: ${graph.readOnly.reason})` : ''}`,
    ...table(
      ['STAGE', 'KIND', 'REPLICAS', 'GPUS/REPLICA', 'WHAT'],
      graph.stages.map((s) => [
        s.id,
        s.kind,
        replicasText(s),
        String(gpusPerReplica(s)),
        stageWhat(s),
      ]),
    ).map((l) => `  ${l}`),
  ];
  const edges = edgesOf(graph);
  lines.push(
    edges.length ? '  edges:' : '  edges: none known',
    ...edges.map((e) => `    ${e.from} -[${e.port}]-> ${e.to}`),
  );
  return lines;
}

export const pipelineShowCommand: CliCommand = {
  words: ['pipeline', 'show'],
  usage: 'raydeck pipeline show SERVE_YAML [--json]',
  summary:
    'Show the pipeline graph of a Serve config (compiled by Raydeck, or hand-written: read-only).',
  details: [
    'One block per application: its stages with kind, replicas (min..max when autoscaling), GPUs',
    'per replica and model, then its edges (caller -[input or route]-> callee).',
    'A config Raydeck did not compile shows its deployments, read-only. --json prints {apps: [{app, graph}]}.',
  ],
  options: { json: { type: 'boolean' } },
  positionals: [{ name: 'SERVE_YAML', required: true }],
  async run({ values, positionals }, ctx) {
    const file = positionals[0]!;
    const yaml = await readText(file);
    const { apps } = await ctx.client().call('pipeline.readBack', { yaml });
    if (values.json === true) ctx.io.out(JSON.stringify({ apps }, null, 2));
    else
      apps.forEach((a, i) =>
        [...(i ? [''] : []), ...describeGraph(a.app, a.graph)].forEach((l) => ctx.io.out(l)),
      );
    return 0;
  },
};

export const pipelineCommands: CliCommand[] = [pipelineCompileCommand, pipelineShowCommand];
