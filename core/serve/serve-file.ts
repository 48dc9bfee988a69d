/**
 * Serve config files on disk: open (a plain Serve config, or a KubeRay RayService manifest with
 * one or more serveConfigV2), validate with file and line in every message, and save. A save
 * writes the text it is given byte for byte (atomically: temp file + rename), so opening and
 * saving without an edit leaves the file identical; edits go through setInYaml/deleteInYaml,
 * which change only the bytes they touch.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  placeDiagnostics,
  validateServeYaml,
  type ServeDiagnostic,
  type ValidateOptions,
} from '../../shared';
import { isRayServiceManifest, locateInManifest, readRayServiceManifest } from './kuberay';

export interface ServeFile {
  path: string;
  /** The file's bytes as UTF-8 text, unchanged. */
  text: string;
  format: 'serve' | 'rayservice';
}

export async function openServeFile(file: string): Promise<ServeFile> {
  const text = await fs.readFile(file, 'utf8');
  return { path: file, text, format: isRayServiceManifest(text) ? 'rayservice' : 'serve' };
}

/** Writes `text` exactly; a crash midway leaves the old file. */
export async function saveServeFile(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(tmp, text, 'utf8');
  try {
    const mode = (await fs.stat(file)).mode & 0o777;
    await fs.chmod(tmp, mode);
  } catch {
    // a new file keeps the default mode
  }
  await fs.rename(tmp, file);
}

export interface FileValidation {
  ok: boolean;
  format: ServeFile['format'];
  /** Each with file, line and column (of the manifest, for a RayService). */
  diagnostics: ServeDiagnostic[];
  /** How many Serve configs were checked (RayService manifests may hold several). */
  configs: number;
}

/** Validates the text of a Serve config or RayService manifest; `file` is the name messages use. */
export function validateServeText(
  text: string,
  file: string,
  options: ValidateOptions = {},
): FileValidation {
  if (!isRayServiceManifest(text)) {
    const r = validateServeYaml(text, { ...options, file });
    return { ok: r.ok, format: 'serve', diagnostics: r.diagnostics, configs: 1 };
  }
  const embedded = readRayServiceManifest(text);
  const diagnostics: ServeDiagnostic[] = [];
  for (const config of embedded) {
    diagnostics.push(...config.diagnostics.map((d) => ({ ...d, file })));
    if (!config.text) {
      diagnostics.push({
        severity: 'error',
        code: 'required',
        path: ['spec', 'serveConfigV2'],
        message: `RayService "${config.name}" has no spec.serveConfigV2 string`,
        fix: 'add serveConfigV2: | with the Serve config',
        file,
        ...config.toManifest({ line: 1, column: 1 }),
      });
      continue;
    }
    const r = validateServeYaml(config.text, options);
    const placed = placeDiagnostics(
      r.diagnostics.map(({ line, column, ...d }) =>
        line ? { ...d, ...config.toManifest({ line, column: column ?? 1 }) } : d,
      ),
      (p) => locateInManifest(config, p),
      file,
    );
    diagnostics.push(
      ...placed.map((d) =>
        embedded.length > 1 ? { ...d, message: `RayService "${config.name}": ${d.message}` } : d,
      ),
    );
  }
  if (embedded.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'required',
      path: [],
      message: 'no RayService document in this manifest',
      fix: 'give a Serve config or a RayService manifest',
      file,
      line: 1,
      column: 1,
    });
  }
  return {
    ok: !diagnostics.some((d) => d.severity === 'error'),
    format: 'rayservice',
    diagnostics,
    configs: embedded.length,
  };
}

export async function validateServeFile(
  file: string,
  options: ValidateOptions = {},
): Promise<FileValidation> {
  const { text } = await openServeFile(file);
  return validateServeText(text, file, options);
}
