/**
 * Serves the built renderer (dist/renderer) for browser mode: known content types, no path
 * traversal, index.html for app routes, long caching only for hashed assets.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/** Resolves a URL path to a file under `root`, or null. Never leaves `root`. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rootResolved = path.resolve(root);
  const wanted = path.resolve(rootResolved, `.${path.posix.normalize(`/${decoded}`)}`);
  if (wanted !== rootResolved && !wanted.startsWith(rootResolved + path.sep)) return null;
  const ext = path.extname(wanted);
  // App routes (no extension) get the SPA shell; missing assets are a real 404.
  const file = ext === '' ? path.join(rootResolved, 'index.html') : wanted;
  try {
    const body = await fs.readFile(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    return { body, type, immutable: file.includes(`${path.sep}assets${path.sep}`) };
  } catch {
    return null;
  }
}
