/**
 * The layer check (part of the test command): reads every TypeScript file of shared/, core/,
 * electron/, renderer/ and remote/, finds its imports (static, re-exports, dynamic, require) and
 * fails on any import that crosses the layer map in layer-rules.ts, uses Node built-ins where
 * they are not allowed, or reaches into another renderer feature's internals instead of its
 * index. Type-level isolation (no Node/DOM types) is checked by `tsc -b` with per-layer configs.
 * Usage: tsx scripts/layer-check/check-layers.ts [ROOT]
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  LAYERS,
  MAY_IMPORT,
  NODE_ALLOWED,
  PACKAGES,
  TEST_PACKAGES,
  type Layer,
} from './layer-rules';

export interface LayerViolation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const BUILTINS = new Set(builtinModules);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.cache', 'fixtures']);

function listSources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...listSources(path.join(dir, entry.name)));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(path.join(dir, entry.name));
    }
  }
  return out;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(packageName(specifier));
}

/** `renderer/features/<name>/...` -> name, else null. */
function featureOf(rel: string): string | null {
  const m = /^renderer\/features\/([^/]+)\//.exec(rel);
  return m ? m[1]! : null;
}

export function checkFile(root: string, file: string, text: string): LayerViolation[] {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const layer = rel.split('/')[0] as Layer;
  if (!LAYERS.includes(layer)) return [];
  const isTest = /\.test\.tsx?$/.test(rel);
  const info = ts.preProcessFile(text, true, true);
  const violations: LayerViolation[] = [];
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;

  for (const ref of info.importedFiles) {
    const spec = ref.fileName;
    const add = (rule: string) =>
      violations.push({ file: rel, line: lineOf(ref.pos), specifier: spec, rule });
    if (spec.startsWith('.')) {
      const target = path
        .relative(root, path.resolve(path.dirname(file), spec))
        .split(path.sep)
        .join('/');
      const targetLayer = target.split('/')[0] as Layer;
      if (target.startsWith('..') || !LAYERS.includes(targetLayer)) {
        add(
          `${layer}/ may only import from ${MAY_IMPORT[layer].join(', ')} (this reaches ${target})`,
        );
      } else if (!MAY_IMPORT[layer].includes(targetLayer)) {
        add(`${layer}/ may not import ${targetLayer}/ (allowed: ${MAY_IMPORT[layer].join(', ')})`);
      }
      const from = featureOf(rel);
      const to = featureOf(`${target}/`);
      if (
        from &&
        to &&
        from !== to &&
        !/^renderer\/features\/[^/]+\/?(index(\.tsx?)?)?$/.test(target)
      ) {
        add(
          `feature "${from}" may use feature "${to}" only through renderer/features/${to}/index.ts`,
        );
      }
      continue;
    }
    if (isBuiltin(spec)) {
      if (!NODE_ALLOWED.has(layer)) add(`${layer}/ may not use Node built-ins`);
      continue;
    }
    const pkg = packageName(spec);
    if (isTest && TEST_PACKAGES.includes(pkg)) continue;
    const rules = PACKAGES[layer];
    if (rules.deny.includes(pkg)) add(`${layer}/ may not import the package ${pkg}`);
    else if (rules.allow !== 'any' && !rules.allow.includes(pkg)) {
      add(
        `${layer}/ may import only ${rules.allow.length ? rules.allow.join(', ') : 'no packages'}`,
      );
    }
  }
  return violations;
}

export function checkLayers(root: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const layer of LAYERS) {
    for (const file of listSources(path.join(root, layer))) {
      violations.push(...checkFile(root, file, fs.readFileSync(file, 'utf8')));
    }
  }
  return violations;
}

function cli() {
  const root = path.resolve(
    process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  );
  const violations = checkLayers(root);
  for (const v of violations)
    console.error(`${v.file}:${v.line}: import "${v.specifier}": ${v.rule}`);
  if (violations.length) {
    console.error(`layer check: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log('layer check: ok');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) cli();
