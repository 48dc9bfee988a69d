/**
 * Pipeline files on disk (`*.pipeline.yaml`): list the ones in the pipelines folder, open one
 * (a bare name is taken from that folder, an absolute path as it is), save one atomically (temp
 * file + rename: a failure midway leaves the old file whole). What is saved is the graph the
 * contract already validated, written by shared/pipeline's pipelineFileText, so a file Raydeck
 * wrote always opens again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  PIPELINE_FILE_SUFFIX,
  RaydeckError,
  parsePipelineFile,
  pipelineFileText,
  type PipelineGraph,
} from '../../shared';

export interface PipelineFileInfo {
  path: string;
  name: string;
  stages: number;
  modifiedAt: string;
}

export class PipelineFiles {
  constructor(private readonly dir: string) {}

  /** A bare file name lives in the pipelines folder; other relative paths are refused. */
  resolve(file: string): string {
    if (!file.endsWith(PIPELINE_FILE_SUFFIX))
      throw new RaydeckError({
        code: 'validation',
        message: `"${file}" does not end in ${PIPELINE_FILE_SUFFIX}`,
      });
    if (path.isAbsolute(file)) return path.normalize(file);
    if (path.basename(file) !== file || file.startsWith('.'))
      throw new RaydeckError({
        code: 'validation',
        message: `"${file}" is neither a file name in the pipelines folder nor an absolute path`,
      });
    return path.join(this.dir, file);
  }

  async list(): Promise<PipelineFileInfo[]> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(PIPELINE_FILE_SUFFIX));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const infos = await Promise.all(
      names.map(async (name): Promise<PipelineFileInfo | null> => {
        const file = path.join(this.dir, name);
        try {
          const [stat, text] = await Promise.all([fs.stat(file), fs.readFile(file, 'utf8')]);
          const graph = parsePipelineFile(text, name);
          return {
            path: file,
            name: graph.name,
            stages: graph.stages.length,
            modifiedAt: stat.mtime.toISOString(),
          };
        } catch {
          return null; // not a pipeline (any more): opening it says why
        }
      }),
    );
    return infos
      .filter((i): i is PipelineFileInfo => i !== null)
      .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt) || a.path.localeCompare(b.path));
  }

  async open(file: string): Promise<{ path: string; graph: PipelineGraph }> {
    const full = this.resolve(file);
    let text: string;
    try {
      text = await fs.readFile(full, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new RaydeckError({ code: 'not_found', message: `No pipeline file at ${full}` });
      throw err;
    }
    try {
      return { path: full, graph: parsePipelineFile(text, path.basename(full)) };
    } catch (err) {
      throw new RaydeckError({ code: 'validation', message: (err as Error).message });
    }
  }

  async save(file: string, graph: PipelineGraph): Promise<{ path: string }> {
    const full = this.resolve(file);
    const text = pipelineFileText(graph); // throws before anything is written
    await fs.mkdir(path.dirname(full), { recursive: true });
    const tmp = path.join(
      path.dirname(full),
      `.${path.basename(full)}.${process.pid}.${Date.now()}.tmp`,
    );
    try {
      await fs.writeFile(tmp, text, { encoding: 'utf8', mode: 0o644 });
      await fs.rename(tmp, full);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return { path: full };
  }
}
