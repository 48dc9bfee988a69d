/**
 * Crash-safe JSON files: write to a temp file in the same folder, fsync, rename over the target.
 * A reader never sees half a file; a crash leaves either the old or the new content.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';

export async function writeFileAtomic(file: string, content: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads and validates a JSON file. Missing file -> `fallback`. A file that exists but is broken
 * is an error that names the file: we never silently replace a user's data with defaults.
 */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  fallback: z.output<S>,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(
      `${file} is not valid JSON; fix or move it away (Raydeck will not overwrite it).`,
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `${file} does not have the expected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
