/**
 * Methods of the Serve page's files, on the machine the core runs on: open a Serve config or
 * one RayService's serveConfigV2 from a KubeRay manifest, save the editor's text byte for byte
 * (refused when the file changed on disk since it was opened, unless overwrite) or back into the
 * RayService it came from, and export the
 * config as a RayService manifest (to a file, or as text to copy).
 */
import { z } from 'zod';
import { defineMethod } from './define';

/** Absolute, or starting with `~` (expanded by the core). */
const FilePath = z
  .string({ error: 'must be text' })
  .min(1, { error: 'is required' })
  .max(4096)
  .refine((p) => !p.includes('\0'), { error: 'must not contain NUL' });

const FileStamp = z
  .object({
    mtimeMs: z.number().nonnegative(),
    size: z.number().int().nonnegative(),
    sha256: z.string().max(64),
  })
  .strict();

const RayServiceRef = z.object({ name: z.string(), documentIndex: z.number().int() });

const ServeFileText = z.string().max(1_000_000, { error: 'a Serve config is at most 1 MB' });

export const serveFileMethods = {
  'serve.openFile': defineMethod({
    summary:
      'Read a Serve config file, or a KubeRay RayService manifest (document: which one, when it holds several; text is null until one is chosen). Paths are absolute or start with ~.',
    input: z
      .object({ path: FilePath, document: z.number().int().min(0).max(10_000).optional() })
      .strict(),
    output: z.object({
      path: z.string(),
      format: z.enum(['serve', 'rayservice']),
      stamp: FileStamp,
      text: z.string().nullable(),
      services: z.array(RayServiceRef),
      rayService: RayServiceRef.extend({ documents: z.number(), line: z.number() }).nullable(),
    }),
  }),
  'serve.saveFile': defineMethod({
    summary:
      "Write the text byte for byte, atomically. expect: the stamp from opening (refused, conflict, when the file changed since); null: the file must not exist. overwrite: skip both checks. document: the file is a RayService manifest and the text becomes that document's serveConfigV2, every other byte of the manifest kept (overwrite: into the manifest as it is now).",
    input: z
      .object({
        path: FilePath,
        text: ServeFileText,
        expect: FileStamp.nullable().default(null),
        overwrite: z.boolean().default(false),
        document: z.number().int().min(0).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), stamp: FileStamp }),
  }),
  'serve.exportRayService': defineMethod({
    summary:
      'A KubeRay RayService manifest whose serveConfigV2 is the Serve config text as written; written to path when given (refused when it exists, unless overwrite).',
    input: z
      .object({
        text: ServeFileText,
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
          error: 'must be a Kubernetes name: lower-case letters, digits and -',
        }),
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'must be a Kubernetes name' })
          .optional(),
        path: FilePath.optional(),
        overwrite: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ text: z.string(), path: z.string().nullable() }),
  }),
} as const;
