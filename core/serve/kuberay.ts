/**
 * KubeRay RayService manifests, both ways. Reading: a manifest file may hold several YAML
 * documents; each `kind: RayService` carries its Serve config as a YAML *string* in
 * `spec.serveConfigV2`, so positions inside that string are mapped back to lines of the
 * manifest (a `|` block's content starts on the next line, indented). Writing: a Serve config's
 * text becomes `serveConfigV2` verbatim (comments kept) in a RayService skeleton, or replaces one
 * RayService's serveConfigV2 in a manifest, every other byte of the file kept.
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

/**
 * The manifest with document `documentIndex`'s serveConfigV2 replaced by `serveConfigText` as a
 * `|` block at the old block's indentation (a quoted string becomes a block); every byte outside
 * that value is kept, line endings included. Throws when the document is not a RayService with
 * a serveConfigV2 string, when the config does not start at column 1, or when the result would
 * not read back as exactly this config.
 */
export function replaceServeConfigV2(
  manifest: string,
  documentIndex: number,
  serveConfigText: string,
): string {
  const docs = parseAllDocuments(manifest, RAY_YAML);
  const doc = Array.isArray(docs) ? docs[documentIndex] : undefined;
  if (!doc || doc.get('kind') !== 'RayService')
    throw new Error(`document ${documentIndex + 1} is not a RayService`);
  const node = doc.getIn(['spec', 'serveConfigV2'], true) as Node | undefined;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range)
    throw new Error(`document ${documentIndex + 1} has no spec.serveConfigV2 string`);
  const body = serveConfigText.replaceAll('\r\n', '\n');
  if (body.trim() === '') throw new Error('the Serve config is empty');
  if (/^\s/.test(body.split('\n').find((l) => l.trim() !== '') ?? ''))
    throw new Error('the Serve config must start at column 1');
  const eol = manifest.includes('\r\n') ? '\r\n' : '\n';
  const from = node.range[0];
  // The value ends with its last non-blank line: blank lines after it stay the file's.
  const to = from + manifest.slice(from, node.range[1]).replace(/(\r?\n[ \t]*)+$/, '').length;
  const lineStart = manifest.lastIndexOf('\n', from - 1) + 1;
  let indent = /^[ \t]*/.exec(manifest.slice(lineStart))![0].length + 2;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const next = manifest.slice(manifest.indexOf('\n', from) + 1).split('\n')[0]!;
    if (next.trim() !== '') indent = next.length - next.trimStart().length;
  }
  const pad = ' '.repeat(indent);
  const trailing = /\n*$/.exec(body)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = body
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l === '' ? '' : pad + l));
  const kept = Array.from({ length: Math.max(0, trailing - 1) }, () => '');
  const out = `${manifest.slice(0, from)}|${chomp}${eol}${[...lines, ...kept].join(eol)}${manifest.slice(to)}`;
  const back = readRayServiceManifest(out).find((e) => e.documentIndex === documentIndex);
  if (!back || back.text !== body)
    throw new Error('the config would not read back from the manifest as written');
  return out;
}
