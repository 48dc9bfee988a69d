/**
 * `raydeck serve validate FILE [--json] [--gpus N]`: checks a Serve config (or a KubeRay
 * RayService manifest) against Ray 2.60's rules and Raydeck's stricter ones, without a cluster
 * and without importing the application's code. Prints one line per finding —
 * `file:line:col: error [class] field.path: message — fix` — and exits 1 when any is an error
 * (warnings alone exit 0). `--json` prints the findings as data. The commands on a cluster (diff,
 * apply, status, history, rollback, export-kuberay) are in serve-cluster.ts.
 */
import { formatConfigPath, formatDiagnostic } from '../../../shared';
import { validateServeFile } from '../../serve/serve-file';
import { UsageError, type CliCommand } from '../cli-types';
import { serveClusterCommands } from './serve-cluster';

export const serveValidateCommand: CliCommand = {
  words: ['serve', 'validate'],
  usage: 'raydeck serve validate FILE [--json] [--gpus N]',
  summary: 'Check a Serve config or RayService manifest before it reaches a cluster.',
  details: [
    'Checks what Ray 2.60 refuses, what it accepts but fails on later (min > max replicas, a route',
    "prefix without '/', placement groups, Ray Serve LLM args), every key Ray would silently drop",
    "(with the key it most likely meant), and engine_kwargs against vLLM 0.29.0's argument names.",
    'Warnings: a vLLM replica on a fractional GPU, more GPUs than --gpus N, a public dashboard.',
    'Each line: FILE:LINE:COL: error|warning [class] field.path: message — fix.',
    '--json prints {file, ok, format, diagnostics}. Exit 1 when there is an error, 0 otherwise.',
  ],
  options: { json: { type: 'boolean' }, gpus: { type: 'string' } },
  positionals: [{ name: 'FILE', required: true }],
  async run({ values, positionals }, ctx) {
    const file = positionals[0]!;
    let gpus: number | undefined;
    if (typeof values.gpus === 'string') {
      gpus = Number(values.gpus);
      if (!Number.isFinite(gpus) || gpus < 0)
        throw new UsageError(`--gpus wants a number of GPUs, got "${values.gpus}"`);
    }
    let result;
    try {
      result = await validateServeFile(file, gpus === undefined ? {} : { cluster: { gpus } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const warnings = result.diagnostics.length - errors.length;
    if (values.json === true) {
      ctx.io.out(
        JSON.stringify(
          { file, ok: result.ok, format: result.format, diagnostics: result.diagnostics },
          null,
          2,
        ),
      );
    } else {
      for (const d of result.diagnostics) ctx.io.out(formatDiagnostic(d));
      const what =
        result.format === 'rayservice'
          ? `RayService manifest (${result.configs} Serve config${result.configs === 1 ? '' : 's'})`
          : 'Serve config';
      ctx.io.out(
        `${file}: ${what}: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
      );
    }
    if (errors.length === 0) return 0;
    const first = errors[0]!;
    ctx.io.err(
      `raydeck: ${file} is not a valid Serve config: ${formatConfigPath(first.path)}${first.line ? ` (line ${first.line})` : ''}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    );
    return 1;
  },
};

export const serveCommands: CliCommand[] = [serveValidateCommand, ...serveClusterCommands];
