/**
 * KubeRay RayService manifests: the Serve config inside serveConfigV2 is validated with lines of
 * the manifest (multi-document files too), a public dashboard is flagged, and an exported
 * manifest carries the config byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRayServiceManifest, readRayServiceManifest, replaceServeConfigV2 } from './kuberay';
import { validateServeText } from './serve-file';

const corpus = (f: string) =>
  fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'corpus', f), 'utf8');

describe('readRayServiceManifest', () => {
  it('finds the RayService among other documents and maps its lines to the manifest', () => {
    const text = corpus('ray-doc-rayservice-k8s_config-multidoc.yaml');
    const [svc, ...rest] = readRayServiceManifest(text);
    expect(rest).toEqual([]);
    expect(svc!.name).toBe('rayservice-sample');
    expect(svc!.documentIndex).toBe(3);
    expect(svc!.text.split('\n')[1]).toBe('  - name: sleepy_pid');
    // line 1 of the config is the manifest line after "serveConfigV2: |", indented 4
    const manifestLine = text.split('\n').indexOf('  serveConfigV2: |') + 2;
    expect(svc!.toManifest({ line: 1, column: 1 })).toEqual({ line: manifestLine, column: 5 });
  });

  it('a mistake inside serveConfigV2 is reported at its manifest line, with the RayService named for several', () => {
    const text = corpus('ray-doc-rayservice-k8s_config-multidoc.yaml').replace(
      '            num_replicas: 6\n',
      '            num_replicas: 6\n            max_concurrent_queries: 4\n',
    );
    const r = validateServeText(text, 'k8s.yaml');
    const d = r.diagnostics.find((x) => x.code === 'renamed-key')!;
    expect(text.split('\n')[d.line! - 1]).toBe('            max_concurrent_queries: 4');
    expect(d).toMatchObject({ file: 'k8s.yaml', column: 13 });
    expect(r.ok).toBe(false);
    const two = `${text}---\n${corpus('ray-doc-rayservice-fake_email_creator.yaml').replace('route_prefix: /', 'route_prefix: fake')}`;
    const both = validateServeText(two, 'two.yaml');
    const prefix = both.diagnostics.find((x) => x.code === 'route-prefix')!;
    expect(prefix.message).toContain('RayService "rayservice-fake-emails"');
    expect(two.split('\n')[prefix.line! - 1]).toBe('        route_prefix: fake');
  });

  it('flags a Ray dashboard bound to 0.0.0.0 in rayStartParams, at its line', () => {
    const text = corpus('seed-architecture-rayservice.yaml');
    const d = validateServeText(text, 'seed.yaml').diagnostics.find(
      (x) => x.code === 'public-bind',
    )!;
    expect(d.severity).toBe('warning');
    expect(text.split('\n')[d.line! - 1]).toContain("dashboard-host: '0.0.0.0'");
  });
});

describe('exportRayServiceManifest', () => {
  it('carries the Serve config verbatim, comments included, and reads back as the same text', () => {
    const config = corpus('ray-test-arithmetic.yaml');
    const manifest = exportRayServiceManifest(config, { name: 'arith', namespace: 'ml' });
    const [svc] = readRayServiceManifest(manifest);
    expect(svc!.text).toBe(config);
    expect(svc!.name).toBe('arith');
    expect(manifest).toContain("rayVersion: '2.60.0'");
    expect(validateServeText(manifest, 'out.yaml').ok).toBe(true);
  });
});

describe('replaceServeConfigV2', () => {
  const CONFIG = 'applications:\n  - name: a\n    import_path: mod:app\n';
  const doc = (value: string, after = '  rayClusterConfig:\n    rayVersion: "2.60.0"\n') =>
    `# head comment\napiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: s\nspec:\n  serveConfigV2: ${value}${after}`;

  it('keeps the block indentation and every byte around the value, blank lines and comments after it too', () => {
    const before = doc('|\n      applications: []\n\n  # about the cluster\n');
    const out = replaceServeConfigV2(before, 0, CONFIG);
    expect(out).toBe(
      doc(
        '|\n      applications:\n        - name: a\n          import_path: mod:app\n\n  # about the cluster\n',
      ),
    );
    expect(readRayServiceManifest(out)[0]!.text).toBe(CONFIG);
  });

  it('a quoted string becomes a | block; chomping follows the config’s trailing newlines', () => {
    const before = doc('"applications: []"\n');
    const stripped = replaceServeConfigV2(before, 0, CONFIG.trimEnd());
    expect(stripped).toContain('  serveConfigV2: |-\n    applications:\n');
    expect(readRayServiceManifest(stripped)[0]!.text).toBe(CONFIG.trimEnd());
    const clipped = replaceServeConfigV2(before, 0, CONFIG);
    expect(clipped).toContain('  serveConfigV2: |\n    applications:\n');
    expect(readRayServiceManifest(clipped)[0]!.text).toBe(CONFIG);
  });

  it('a CRLF manifest gets CRLF lines; other documents are untouched', () => {
    const other = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: cm\r\n';
    const before = `${other}---\r\n${doc('|\n    applications: []\n').replaceAll('\n', '\r\n')}`;
    const out = replaceServeConfigV2(before, 1, CONFIG);
    expect(out.startsWith(`${other}---\r\n`)).toBe(true);
    expect(out.replaceAll('\r\n', '')).not.toContain('\n');
    expect(readRayServiceManifest(out)[0]).toMatchObject({ documentIndex: 1, text: CONFIG });
  });

  it('refuses what it cannot write faithfully', () => {
    expect(() => replaceServeConfigV2(doc('|\n    a: 1\n'), 1, CONFIG)).toThrow(
      'document 2 is not a RayService',
    );
    expect(() => replaceServeConfigV2(doc('{}\n'), 0, CONFIG)).toThrow(
      'has no spec.serveConfigV2 string',
    );
    expect(() => replaceServeConfigV2(doc('|\n    a: 1\n'), 0, ' a: 1\n')).toThrow(
      'must start at column 1',
    );
  });
});
