/**
 * The Serve page's files, on the machine the core runs on: open a Serve config (or the Serve
 * config of one RayService in a KubeRay manifest, multi-document files included), save the
 * editor's text byte for byte (temp file + rename; refused when the file changed on disk since
 * it was opened, or exists when saving as, unless the user confirmed), save a RayService's config
 * back into its manifest (only that serveConfigV2 changes), and export a config as a RayService
 * manifest. Paths are absolute or start with `~`; every failure a user can cause is a
 * RaydeckError with a sentence (missing, a folder, permission, too large, not text).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RaydeckError } from '../../shared';
import { expandHome } from '../nodes/ssh-target';
import {
  exportRayServiceManifest,
  isRayServiceManifest,
  readRayServiceManifest,
  replaceServeConfigV2,
} from './kuberay';

/** Larger than any Serve config; the editor and the contract take at most 1 MB. */
export const SERVE_FILE_MAX_BYTES = 1_000_000;

/** What the file was when it was read or written: a save compares the disk with this. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
  sha256: string;
}

export interface RayServiceRef {
  name: string;
  /** 0-based index of the YAML document in the file. */
  documentIndex: number;
}

export interface OpenedServeFile {
  path: string;
  format: 'serve' | 'rayservice';
  stamp: FileStamp;
  /** The editor's text: the file's own text, or the chosen RayService's serveConfigV2. Null: choose a RayService first. */
  text: string | null;
  /** Every RayService in a manifest (empty for a Serve config). */
  services: RayServiceRef[];
  /** The RayService whose config `text` is, with the manifest line its serveConfigV2 starts at. */
  rayService: (RayServiceRef & { documents: number; line: number }) | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function fsError(err: unknown, file: string, doing: 'read' | 'write'): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    throw new RaydeckError({
      code: 'not_found',
      message:
        doing === 'read' ? `No file at ${file}` : `The folder ${path.dirname(file)} does not exist`,
    });
  if (code === 'EISDIR')
    throw new RaydeckError({ code: 'validation', message: `${file} is a folder, not a file` });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    throw new RaydeckError({
      code: 'validation',
      message: `Permission denied: Raydeck cannot ${doing} ${file}`,
    });
  if (code === 'ENOTDIR')
    throw new RaydeckError({
      code: 'not_found',
      message: `A part of ${file} is a file, not a folder`,
    });
  throw new RaydeckError({
    code: 'internal',
    message: `Could not ${doing} ${file}: ${code ?? (err as Error).message}`,
  });
}

export class ServeFiles {
  constructor(private readonly home: string = os.homedir()) {}

  /** `~` and `~/…` expanded; anything not absolute then is refused (the core's folder means nothing to a user). */
  resolve(file: string): string {
    const t = expandHome(file.trim(), this.home);
    if (!t || t.includes('\0') || !path.isAbsolute(t))
      throw new RaydeckError({
        code: 'validation',
        message: `"${file}" is not an absolute path; give one such as ~/serve.yaml or /home/me/serve.yaml`,
      });
    return path.normalize(t);
  }

  /** The file's bytes as text, refused when too large, a folder or not UTF-8 text. */
  private async read(full: string): Promise<{ text: string; stamp: FileStamp }> {
    let bytes: Buffer;
    let mtimeMs: number;
    try {
      const st = await fs.stat(full);
      if (st.isDirectory())
        throw new RaydeckError({ code: 'validation', message: `${full} is a folder, not a file` });
      if (st.size > SERVE_FILE_MAX_BYTES)
        throw new RaydeckError({
          code: 'validation',
          message: `${full} is ${(st.size / 1e6).toFixed(1)} MB; a Serve config file is at most 1 MB`,
        });
      bytes = await fs.readFile(full);
      mtimeMs = st.mtimeMs;
    } catch (err) {
      if (err instanceof RaydeckError) throw err;
      fsError(err, full, 'read');
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = '\0';
    }
    if (text.includes('\0'))
      throw new RaydeckError({
        code: 'validation',
        message: `${full} is not a text file (binary content); a Serve config is YAML text`,
      });
    return { text, stamp: { mtimeMs, size: bytes.length, sha256: sha256(bytes) } };
  }

  /** The stamp of the file now, or null when there is none. */
  private async stampOf(full: string): Promise<FileStamp | null> {
    try {
      const bytes = await fs.readFile(full);
      const st = await fs.stat(full);
      return { mtimeMs: st.mtimeMs, size: bytes.length, sha256: sha256(bytes) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      fsError(err, full, 'read');
    }
  }

  async open(file: string, documentIndex?: number): Promise<OpenedServeFile> {
    const full = this.resolve(file);
    const { text, stamp } = await this.read(full);
    if (!isRayServiceManifest(text))
      return { path: full, format: 'serve', stamp, text, services: [], rayService: null };
    const embedded = readRayServiceManifest(text);
    const services = embedded.map((e) => ({ name: e.name, documentIndex: e.documentIndex }));
    if (embedded.length === 0)
      throw new RaydeckError({
        code: 'validation',
        message: `${full} has no document of kind: RayService`,
      });
    const chosen =
      documentIndex === undefined
        ? embedded.length === 1
          ? embedded[0]
          : undefined
        : embedded.find((e) => e.documentIndex === documentIndex);
    if (documentIndex !== undefined && !chosen)
      throw new RaydeckError({
        code: 'not_found',
        message: `Document ${documentIndex + 1} of ${full} is not a RayService`,
      });
    const base = { path: full, format: 'rayservice' as const, stamp, services };
    if (!chosen) return { ...base, text: null, rayService: null };
    if (!chosen.text)
      throw new RaydeckError({
        code: 'validation',
        message: `RayService "${chosen.name}" (document ${chosen.documentIndex + 1}) has no spec.serveConfigV2 string`,
      });
    const documents = text.split(/^---\s*$/m).filter((d) => d.trim() !== '').length;
    return {
      ...base,
      text: chosen.text,
      rayService: {
        name: chosen.name,
        documentIndex: chosen.documentIndex,
        documents: Math.max(documents, chosen.documentIndex + 1),
        line: chosen.toManifest({ line: 1, column: 1 }).line,
      },
    };
  }

  /**
   * Writes `text` exactly. `expect`: the stamp from opening; the file must still be that (a
   * conflict otherwise). Without it the file must not exist. `overwrite` skips both checks.
   */
  async save(
    file: string,
    text: string,
    opts: { expect?: FileStamp | null; overwrite?: boolean } = {},
  ): Promise<{ path: string; stamp: FileStamp }> {
    const full = this.resolve(file);
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > SERVE_FILE_MAX_BYTES)
      throw new RaydeckError({ code: 'validation', message: 'A Serve config is at most 1 MB' });
    if (!opts.overwrite) {
      const now = await this.stampOf(full);
      if (opts.expect && now === null)
        throw new RaydeckError({
          code: 'conflict',
          message: `${full} was deleted since it was opened; save again to write it anew`,
        });
      if (opts.expect && now && now.sha256 !== opts.expect.sha256)
        throw new RaydeckError({
          code: 'conflict',
          message: `${full} changed on disk since it was opened; saving replaces those changes`,
        });
      if (!opts.expect && now)
        throw new RaydeckError({ code: 'conflict', message: `${full} already exists` });
    }
    await writeAtomically(full, bytes);
    const stamp = await this.stampOf(full);
    return { path: full, stamp: stamp ?? { mtimeMs: Date.now(), size: bytes.length, sha256: '' } };
  }

  /**
   * Writes `text` as the serveConfigV2 of document `documentIndex` of the manifest at `file`,
   * every other byte of the manifest as it is on disk now. `expect`: the stamp from opening (a
   * conflict when the manifest changed since); `overwrite`: put the config into the manifest as
   * it is now anyway (its other changes are kept).
   */
  async saveIntoRayService(
    file: string,
    documentIndex: number,
    text: string,
    opts: { expect?: FileStamp | null; overwrite?: boolean } = {},
  ): Promise<{ path: string; stamp: FileStamp }> {
    const full = this.resolve(file);
    let current: { text: string; stamp: FileStamp };
    try {
      current = await this.read(full);
    } catch (err) {
      if (err instanceof RaydeckError && err.code === 'not_found')
        throw new RaydeckError({
          code: 'not_found',
          message: `${full} was deleted since it was opened; save the config with Save as…`,
        });
      throw err;
    }
    if (!opts.overwrite && opts.expect && current.stamp.sha256 !== opts.expect.sha256)
      throw new RaydeckError({
        code: 'conflict',
        message: `${full} changed on disk since it was opened; saving puts this config into the manifest as it is now (its other changes are kept)`,
      });
    let manifest: string;
    try {
      manifest = replaceServeConfigV2(current.text, documentIndex, text);
    } catch (err) {
      // Parsed again only to name the RayService in the refusal.
      const service = readRayServiceManifest(current.text).find(
        (e) => e.documentIndex === documentIndex,
      );
      const what = service ? `RayService "${service.name}"` : `document ${documentIndex + 1}`;
      throw new RaydeckError({
        code: 'validation',
        message: `Not saved: the config cannot go into ${what} of ${full}: ${(err as Error).message}`,
      });
    }
    const bytes = Buffer.from(manifest, 'utf8');
    if (bytes.length > SERVE_FILE_MAX_BYTES)
      throw new RaydeckError({ code: 'validation', message: 'A manifest is at most 1 MB here' });
    await writeAtomically(full, bytes);
    const stamp = await this.stampOf(full);
    return { path: full, stamp: stamp ?? { mtimeMs: Date.now(), size: bytes.length, sha256: '' } };
  }

  /** A RayService manifest whose serveConfigV2 is `text` byte for byte; written to `file` when given. */
  async exportRayService(
    text: string,
    opts: { name: string; namespace?: string; path?: string; overwrite?: boolean },
  ): Promise<{ text: string; path: string | null }> {
    if (isRayServiceManifest(text))
      throw new RaydeckError({
        code: 'validation',
        message: 'The editor holds a RayService manifest already; export takes a Serve config',
      });
    let manifest: string;
    try {
      // The manifest's lines end in \n: a CRLF config goes in with \n (YAML reads both the same).
      manifest = exportRayServiceManifest(text.replaceAll('\r\n', '\n'), {
        name: opts.name,
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
      });
    } catch {
      throw new RaydeckError({
        code: 'validation',
        message: 'The Serve config must start at column 1 to go into serveConfigV2',
      });
    }
    if (!opts.path) return { text: manifest, path: null };
    const saved = await this.save(opts.path, manifest, { overwrite: opts.overwrite ?? false });
    return { text: manifest, path: saved.path };
  }
}

/** Temp file in the same folder, then rename: a failure midway leaves the old file whole (its mode kept). */
export async function writeAtomically(full: string, bytes: Buffer): Promise<void> {
  const dir = path.dirname(full);
  const tmp = path.join(dir, `.${path.basename(full)}.${process.pid}.${Date.now()}.tmp`);
  try {
    let mode = 0o644;
    try {
      const st = await fs.stat(full);
      if (st.isDirectory())
        throw new RaydeckError({ code: 'validation', message: `${full} is a folder, not a file` });
      mode = st.mode & 0o777;
    } catch (err) {
      if (err instanceof RaydeckError) throw err;
    }
    await fs.writeFile(tmp, bytes, { mode });
    await fs.rename(tmp, full);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    if (err instanceof RaydeckError) throw err;
    fsError(err, full, 'write');
  }
}
