/**
 * KubeRay RayService manifests, both ways. Reading: a manifest file may hold several YAML
 * documents; each `kind: RayService` carries its Serve config as a YAML *string* in
 * `spec.serveConfigV2`, so positions inside that string are mapped back to lines of the
 * manifest (a `|` block's content starts on the next line, indented). Writing: a Serve config's
 * text becomes `serveConfigV2` verbatim (comments kept) in a RayService skeleton.
 */
import { isScalar, LineCounter, parseAllDocuments, stringify, type Node } from 'yaml';
import {
  type ConfigPath,
  locate,
  parseYaml,
  RAY_VERSION,
  RAY_YAML,
  type ServeDiagnostic,
} from '../../shared';

export interface EmbeddedServeConfig {
  /** metadata.name of the RayService (or "document N"). */
  name: string;
  /** 0-based index of the YAML document in the file. */
  documentIndex: number;
  /** The Serve config YAML held in spec.serveConfigV2. */
  text: string;
  /** Maps a 1-based line/column of `text` to the manifest's. */
  toManifest(pos: { line: number; column: number }): { line: number; column: number };
  /** Findings about the manifest around the config (a public dashboard). */
  diagnostics: ServeDiagnostic[];
}

export const isRayServiceManifest = (text: string): boolean =>
  /^kind:\s*RayService\s*$/m.test(text);

/** Every RayService's Serve config in a (multi-document) manifest. */
export function readRayServiceManifest(text: string): EmbeddedServeConfig[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...RAY_YAML, lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  const out: EmbeddedServeConfig[] = [];
  list.forEach((doc, documentIndex) => {
    if (doc.get('kind') !== 'RayService') return;
    const name = String(doc.getIn(['metadata', 'name']) ?? `document ${documentIndex + 1}`);
    const node = doc.getIn(['spec', 'serveConfigV2'], true) as Node | undefined;
    const diagnostics: ServeDiagnostic[] = [];
    const host = doc.getIn(
      ['spec', 'rayClusterConfig', 'headGroupSpec', 'rayStartParams', 'dashboard-host'],
      true,
    ) as Node | undefined;
    if (isScalar(host) && (host.value === '0.0.0.0' || host.value === '::') && host.range) {
      const pos = lineCounter.linePos(host.range[0]);
      diagnostics.push({
        severity: 'warning',
        code: 'public-bind',
        path: ['spec', 'rayClusterConfig', 'headGroupSpec', 'rayStartParams', 'dashboard-host'],
        message: `RayService "${name}": the Ray dashboard listens on ${String(host.value)}; anyone who reaches it can run code on the cluster (CVE-2023-48022)`,
        fix: 'keep the dashboard off the network: a ClusterIP service without an Ingress, reached with kubectl port-forward',
        line: pos.line,
        column: pos.col,
      });
    }
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) {
      const at = lineCounter.linePos(doc.range[0]);
      out.push({
        name,
        documentIndex,
        text: '',
        toManifest: () => ({ line: at.line, column: at.col }),
        diagnostics,
      });
      return;
    }
    const start = lineCounter.linePos(node.range[0]);
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    const firstLine = start.line + 1;
    const lineText = text.split('\n')[firstLine - 1] ?? '';
    const indent = lineText.length - lineText.trimStart().length;
    const toManifest = block
      ? (pos: { line: number; column: number }) => ({
          line: firstLine + pos.line - 1,
          column: pos.column + indent,
        })
      : () => ({ line: start.line, column: start.col });
    out.push({ name, documentIndex, text: node.value, toManifest, diagnostics });
  });
  return out;
}

/** Where a config path lies in the manifest, for one embedded config. */
export function locateInManifest(
  config: EmbeddedServeConfig,
  path: ConfigPath,
): { line: number; column: number } | null {
  const parsed = parseYaml(config.text);
  const pos = parsed.diagnostics.length ? null : locate(parsed, path);
  return pos ? config.toManifest(pos) : config.toManifest({ line: 1, column: 1 });
}

export interface RayServiceExport {
  name: string;
  namespace?: string;
  /** The Ray image tag; defaults to the Ray Raydeck pins. */
  rayVersion?: string;
}

/** A RayService manifest whose serveConfigV2 is `serveConfigText` byte for byte. */
export function exportRayServiceManifest(serveConfigText: string, opts: RayServiceExport): string {
  const rayVersion = opts.rayVersion ?? RAY_VERSION;
  const body = serveConfigText.endsWith('\n') ? serveConfigText : `${serveConfigText}\n`;
  if (/^\s/.test(body.split('\n').find((l) => l.trim() !== '') ?? ''))
    throw new Error('exportRayServiceManifest: the Serve config must start at column 1');
  const metadata = stringify({
    name: opts.name,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  })
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  const image = `rayproject/ray:${rayVersion}-py311-gpu`;
  const indented = body
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '' : `    ${l}`))
    .join('\n');
  return [
    '# Exported by Raydeck. serveConfigV2 is the Serve config as written; size the groups below.',
    'apiVersion: ray.io/v1',
    'kind: RayService',
    'metadata:',
    metadata,
    'spec:',
    '  serveConfigV2: |',
    indented,
    '  rayClusterConfig:',
    `    rayVersion: '${rayVersion}'`,
    '    headGroupSpec:',
    '      rayStartParams: {}',
    '      template:',
    '        spec:',
    '          containers:',
    '          - name: ray-head',
    `            image: ${image}`,
    '    workerGroupSpecs:',
    '    - groupName: gpu-workers',
    '      replicas: 1',
    '      minReplicas: 1',
    '      maxReplicas: 1',
    '      rayStartParams: {}',
    '      template:',
    '        spec:',
    '          containers:',
    '          - name: ray-worker',
    `            image: ${image}`,
    '            resources:',
    '              limits:',
    '                nvidia.com/gpu: 1',
    '',
  ].join('\n');
}
