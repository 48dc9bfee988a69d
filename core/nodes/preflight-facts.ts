/**
 * The facts remote/scripts/preflight.sh reports about a node, as a schema: the script's JSON is
 * checked here before any decision is made on it, so a node with an odd setup yields "unknown"
 * values rather than a crash. Fields the script could not read are null.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const GpuFact = z.object({
  index: count,
  name: z.string().nullable(),
  uuid: z.string().nullable(),
  memoryMiB: count.nullable(),
  driverVersion: z.string().nullable(),
});
export type GpuFact = z.infer<typeof GpuFact>;

export const PreflightFacts = z.object({
  kind: z.literal('facts'),
  hostname: z.string().nullish(),
  os: z
    .object({
      id: z.string().nullish(),
      versionId: z.string().nullish(),
      prettyName: z.string().nullish(),
    })
    .nullish(),
  kernel: z.string().nullish(),
  arch: z.string().nullish(),
  cpuCount: count.nullish(),
  memory: z.object({ totalBytes: count.nullish(), availableBytes: count.nullish() }).nullish(),
  disk: z
    .object({ path: z.string(), freeBytes: count.nullish(), totalBytes: count.nullish() })
    .nullish(),
  /** null: no python3 on the node at all. */
  python: z
    .object({
      version: z.string(),
      executable: z.string(),
      venv: z.boolean(),
      venvError: z.string().nullish(),
      pip: z.boolean(),
    })
    .nullable(),
  gpus: z
    .object({
      /** Path of nvidia-smi, null when absent (a CPU node, not an error). */
      nvidiaSmi: z.string().nullable(),
      /** /dev/nvidia<N> device files: without them CUDA cannot use the GPUs. */
      devices: z.array(z.string()),
      /** nvidia-smi present but failing (driver not loaded, GPU fallen off the bus...). */
      error: z.string().nullable(),
      list: z.array(GpuFact),
      driverVersion: z.string().nullable(),
      /** Highest CUDA version the driver supports (nvidia-smi's table header), when it says. */
      cudaVersion: z.string().nullable(),
    })
    .nullish(),
  ray: z
    .array(
      z.object({ path: z.string(), version: z.string().nullable(), error: z.string().nullable() }),
    )
    .nullish(),
  listening: z
    .array(z.object({ port: z.number().int(), process: z.string().nullable() }))
    .nullish(),
  head: z
    .object({
      host: z.string(),
      port: z.number().int(),
      outcome: z.enum(['open', 'refused', 'timeout', 'unreachable']),
      error: z.string().nullable(),
      ms: z.number(),
    })
    .nullish(),
  /** A lookup of a name that cannot exist: answered (NXDOMAIN) at once, or waited out. */
  dns: z
    .object({
      outcome: z.enum(['nxdomain', 'answered', 'failed', 'timeout']),
      error: z.string().nullable(),
      ms: z.number(),
    })
    .nullish(),
  epochMs: z.number().nullish(),
});
export type PreflightFacts = z.infer<typeof PreflightFacts>;

/** The node's clock as first printed by the script (`{"kind":"clock","epochMs":N}`). */
export const ClockLine = z.object({ kind: z.literal('clock'), epochMs: z.number() });
