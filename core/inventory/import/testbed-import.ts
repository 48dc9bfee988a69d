/**
 * Imports the nodes of a testbed (`scripts/testbed/testbed up --out testbed.json`): hosts with
 * their login, key file, GPU count and the host key fingerprints the testbed generated, so the
 * first connection can be checked against a fingerprint known out of band instead of TOFU.
 * A malformed file is one error listing every problem with its field path (`nodes[1].port: ...`).
 */
import { z } from 'zod';
import { HostAddress, ResourceName, SshPort, SshUser } from '../../../shared';
import type { ImportedHost } from './imported-host';

const Fingerprint = z.string({ error: 'must be text' }).regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
  error: 'must be "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it',
});

const TestbedNode = z.object({
  name: ResourceName,
  host: HostAddress,
  port: SshPort,
  user: SshUser,
  identityFile: z
    .string({ error: 'must be text' })
    .min(1, { error: 'is required' })
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), {
      error: 'must not contain control characters',
    }),
  hostKeyFingerprints: z
    .array(Fingerprint, { error: 'must be a list' })
    .min(1, { error: 'must list at least one fingerprint' }),
  gpus: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' }),
});

export const TestbedFile = z.object({
  nodes: z
    .array(TestbedNode, { error: 'must be a list' })
    .min(1, { error: 'must list at least one node' })
    .superRefine((nodes, ctx) => {
      const seen = new Set<string>();
      nodes.forEach((node, i) => {
        if (seen.has(node.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `repeats the node name ${node.name}`,
          });
        seen.add(node.name);
      });
    }),
  index: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a simple package index' }),
});
export type TestbedFile = z.infer<typeof TestbedFile>;

/** A testbed node: an importable host plus what the testbed knows about it. */
export interface TestbedHost extends ImportedHost {
  expectedFingerprints: string[];
  gpus: number;
}

export interface TestbedImport {
  hosts: TestbedHost[];
  /** The testbed's PEP 503 index URL (pip needs `--trusted-host` for its plain-HTTP address). */
  index: string;
}

/** The file could not be imported; `problems` are `path: message` lines. */
export class TestbedImportError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `${source} is not a usable testbed description:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'TestbedImportError';
  }
}

/** Parses testbed JSON text; `source` names it in errors (a file path, say). */
export function importTestbed(text: string, source = 'the testbed JSON'): TestbedImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new TestbedImportError(source, [`not valid JSON (${(err as Error).message})`]);
  }
  const parsed = TestbedFile.safeParse(data);
  if (!parsed.success)
    throw new TestbedImportError(
      source,
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  return {
    index: parsed.data.index,
    hosts: parsed.data.nodes.map((node) => ({
      alias: node.name,
      host: node.host,
      port: node.port,
      user: node.user,
      identityFile: node.identityFile,
      jump: null,
      jumpChain: [],
      warnings: [],
      expectedFingerprints: node.hostKeyFingerprints,
      gpus: node.gpus,
    })),
  };
}

/** `['nodes', 1, 'port']` → `nodes[1].port`; the root is `(top level)`. */
function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
