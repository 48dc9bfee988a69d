/**
 * Serve config YAML as text with positions: parses with the `yaml` package's Document API (never
 * parse-then-stringify; the text stays the source of truth), turns syntax errors into
 * diagnostics, and maps a config path to the line and column it was written at, so every
 * validator message can name file, line and field. Used by the CLI, the file layer in
 * core/serve and the YAML editor.
 */
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { formatConfigPath, hasErrors, type ConfigPath, type ServeDiagnostic } from './diagnostics';
import { validateServeConfig, type ServeValidation, type ValidateOptions } from './validate';

/**
 * Ray reads Serve YAML with PyYAML (`serve deploy`, `serve run`) and KubeRay with go-yaml: both
 * YAML 1.1, where `yes`/`on` are booleans and `010` is octal. Parse the same way.
 */
export const RAY_YAML = { version: '1.1' } as const;

/** PyYAML's float form: a dot is required, and an exponent needs its sign (`1.0e+3`). */
const PYYAML_FLOAT =
  /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/;
const NUMBER_WITH_EXPONENT = /^[-+]?[0-9_.]*[eE][-+]?[0-9]+$/;
/** Fields Ray declares StrictInt: a YAML float there is refused even when it is whole (1.0). */
const STRICT_INT_KEYS = new Set(['max_queued_requests']);

/** Blocks Ray passes through untyped (to the app, the router, the actor): a string there may be meant. */
const FREE_FORM = new Set([
  'args',
  'user_config',
  'runtime_env',
  'request_router_kwargs',
  'policy_kwargs',
  'init_args',
  'init_kwargs',
  'actor_options',
  'ingress_extra_kwargs',
  'callback_kwargs',
  'experimental_configs',
]);

/**
 * Scalars that Ray's YAML reader types differently from ours, or that Ray's strict ints refuse.
 * An error where Ray's schema (or vLLM's, under engine_kwargs) wants a number; a warning in
 * blocks Ray hands to code as they are.
 */
export function readerDifferences(doc: Document): ServeDiagnostic[] {
  const out: ServeDiagnostic[] = [];
  const walk = (node: unknown, path: ConfigPath) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'string' || typeof key === 'number') walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (
      isScalar(node) &&
      node.type === 'PLAIN' &&
      typeof node.value === 'number' &&
      typeof node.source === 'string'
    ) {
      const src = node.source;
      if (NUMBER_WITH_EXPONENT.test(src) && !PYYAML_FLOAT.test(src)) {
        const severity =
          !path.includes('engine_kwargs') && path.some((p) => FREE_FORM.has(String(p)))
            ? 'warning'
            : 'error';
        out.push({
          severity,
          code: 'type',
          path,
          message: `Ray's YAML reader (PyYAML) reads ${src} as the string "${src}", not a number`,
          fix: `write ${Number(src)}, or ${Number(src).toExponential(1)} (a dot and a signed exponent)`,
        });
      } else if (STRICT_INT_KEYS.has(String(path.at(-1))) && /[.eE]/.test(src)) {
        out.push({
          severity: 'error',
          code: 'type',
          path,
          message: `${String(path.at(-1))} is a strict integer in Ray; ${src} is read as a float and refused`,
          fix: `write ${Math.trunc(Number(src))}`,
        });
      }
    }
  };
  walk(doc.contents, []);
  return out;
}

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** The plain value (null when the text has syntax errors). */
  value: unknown;
  /** Syntax errors, with lines. */
  diagnostics: ServeDiagnostic[];
}

const keyOf = (key: unknown): unknown => (isScalar(key) ? key.value : key);
const startOf = (n: unknown): number | null => (isNode(n) && n.range ? n.range[0] : null);
const endOf = (n: unknown): number | null => (isNode(n) && n.range ? n.range[2] : null);

/**
 * The key written twice whose second writing starts at `offset` (where `yaml` reports
 * DUPLICATE_KEY): its config path, its name, and where the first one starts, so the message
 * names the field (`applications[1].deployments[0].name`), not the top level.
 */
function duplicateKeyAt(
  doc: Document,
  offset: number,
): { path: ConfigPath; key: string; first: number | null } | null {
  const path: ConfigPath = [];
  let node: unknown = doc.contents;
  while (isMap(node) || isSeq(node)) {
    if (isSeq(node)) {
      const i = node.items.findIndex((item) => {
        const [s, e] = [startOf(item), endOf(item)];
        return s !== null && e !== null && offset >= s && offset <= e;
      });
      if (i < 0) return null;
      path.push(i);
      node = node.items[i];
      continue;
    }
    const pairs = node.items.filter(isPair);
    const dup = pairs.find((p) => startOf(p.key) === offset);
    if (dup) {
      const key = keyOf(dup.key);
      const first = pairs.find((p) => p !== dup && keyOf(p.key) === key);
      return {
        path: [...path, typeof key === 'number' ? key : String(key)],
        key: String(key),
        first: first ? startOf(first.key) : null,
      };
    }
    const inside = pairs.find((p) => {
      const s = startOf(p.key) ?? startOf(p.value);
      const e = endOf(p.value) ?? endOf(p.key);
      return s !== null && e !== null && offset >= s && offset <= e;
    });
    const key = inside ? keyOf(inside.key) : null;
    if (!inside || (typeof key !== 'string' && typeof key !== 'number')) return null;
    path.push(key);
    node = inside.value;
  }
  return null;
}

/**
 * For syntax errors: every key written in what could be read, by offset, so an error at an
 * offset is placed after the last key read before it (what the reader had got to). Built once,
 * iteratively and bounded (broken text can nest deeply or hold many errors); paths are made on
 * demand from parent links.
 */
function keysByOffset(doc: Document): (offset: number) => { path: ConfigPath; at: number } | null {
  const keys: { at: number; key: string | number; parent: number; item: boolean }[] = [];
  const todo: [unknown, number][] = [[doc.contents, -1]];
  for (let seen = 0; todo.length && seen < 100_000; seen++) {
    const [node, parent] = todo.pop()!;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyOf(pair.key);
        const at = startOf(pair.key);
        if ((typeof key !== 'string' && typeof key !== 'number') || at === null) continue;
        keys.push({ at, key, parent, item: false });
        todo.push([pair.value, keys.length - 1]);
      }
    } else if (isSeq(node))
      node.items.forEach((item, i) => {
        const at = startOf(item);
        if (at === null) return;
        keys.push({ at, key: i, parent, item: true });
        todo.push([item, keys.length - 1]);
      });
  }
  const order = keys.map((_, i) => i).sort((a, b) => keys[a]!.at - keys[b]!.at);
  return (offset) => {
    let lo = 0;
    let hi = order.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (keys[order[mid]!]!.at <= offset) {
        found = order[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // The last map key at or before the offset (a list item alone names no key).
    while (found >= 0 && keys[found]!.item) found = keys[found]!.parent;
    if (found < 0) return null;
    const path: ConfigPath = [];
    for (let k = found; k >= 0 && path.length < 1000; k = keys[k]!.parent)
      path.unshift(keys[k]!.key);
    return { path, at: keys[found]!.at };
  };
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    ...RAY_YAML,
    lineCounter,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  let lastKeyBefore: ReturnType<typeof keysByOffset> | null = null;
  const diagnostics: ServeDiagnostic[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    // Relative, so it stays right where the text is embedded (a RayService's serveConfigV2).
    const firstWhere = (first: number | null) => {
      if (first === null) return '';
      const above = pos.line - lineCounter.linePos(first).line;
      return above === 0
        ? ' (the first on the same line)'
        : ` (the first ${above} line${above === 1 ? '' : 's'} above)`;
    };
    const duplicate = e.code === 'DUPLICATE_KEY' ? duplicateKeyAt(doc, e.pos[0]) : null;
    if (e.code === 'DUPLICATE_KEY')
      return {
        severity: 'error',
        code: 'unknown-key',
        path: duplicate?.path ?? [],
        message: duplicate
          ? `"${duplicate.key}" is written twice in the same mapping${firstWhere(duplicate.first)}; YAML keeps only one of the two, and which one depends on the reader`
          : `a key is written twice in the same mapping: ${e.message.split('\n')[0]}`,
        fix: duplicate
          ? `keep one ${duplicate.key} and delete the other`
          : 'keep one of the two (YAML keeps only one; which one depends on the reader)',
        line: pos.line,
        column: pos.col,
      };
    // Only a key that reads as one: binary garbage or deep nesting names no useful field.
    lastKeyBefore ??= keysByOffset(doc);
    const found = lastKeyBefore(e.pos[0]);
    const near = found && formatConfigPath(found.path).length <= 120 ? found : null;
    const nearLine = near ? lineCounter.linePos(near.at).line : null;
    return {
      severity: 'error',
      code: 'yaml-syntax',
      path: near?.path ?? [],
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      fix:
        near && nearLine !== null && nearLine < pos.line
          ? `fix the YAML at this line or the lines above it (the last key read: ${formatConfigPath(near.path)}, ${pos.line - nearLine} line${pos.line - nearLine === 1 ? '' : 's'} above)`
          : 'fix the YAML at this line',
      line: pos.line,
      column: pos.col,
    };
  });
  if (diagnostics.length) return { doc, lineCounter, value: null, diagnostics };
  try {
    return { doc, lineCounter, value: doc.toJS({ maxAliasCount: 100 }), diagnostics };
  } catch (err) {
    // `yaml` refuses alias expansion past maxAliasCount (a "billion laughs" bomb): the user's
    // text is at fault, so it is a diagnostic, not an internal error (issue 16's hostile suite).
    const message = err instanceof Error ? err.message : String(err);
    return {
      doc,
      lineCounter,
      value: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'yaml-syntax',
          path: [],
          message: `YAML: ${message}`,
          fix: 'write the values out instead of repeating aliases (*name) this many times',
          line: 1,
          column: 1,
        },
      ],
    };
  }
}

/** Offsets of what `path` points at: the key of a map entry (where people look), else the node. */
export function locateOffset(doc: Document, path: ConfigPath): number | null {
  let node: unknown = doc.contents;
  let best: number | null = isNode(node) && node.range ? node.range[0] : null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === part,
      );
      if (!pair) return best;
      const key = pair.key as Node | null;
      if (isNode(key) && key.range) best = key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (!isNode(item) || !item.range) return best;
      best = item.range[0];
      node = item;
    } else return best;
  }
  return best;
}

/** 1-based line and column of `path` in the document (the nearest written ancestor when it is absent). */
export function locate(
  parsed: Pick<ParsedYaml, 'doc' | 'lineCounter'>,
  path: ConfigPath,
): { line: number; column: number } | null {
  const offset = locateOffset(parsed.doc, path);
  if (offset === null) return null;
  const pos = parsed.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Adds file/line/column to diagnostics and orders them as the file reads. */
export function placeDiagnostics(
  diagnostics: ServeDiagnostic[],
  where: (path: ConfigPath) => { line: number; column: number } | null,
  file?: string,
): ServeDiagnostic[] {
  return diagnostics
    .map((d) => ({ ...d, ...(d.line ? {} : (where(d.path) ?? {})), ...(file ? { file } : {}) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Parses and validates Serve config YAML text; every diagnostic carries its line. */
export function validateServeYaml(
  text: string,
  options: ValidateOptions & { file?: string } = {},
): ServeValidation {
  const parsed = parseYaml(text);
  if (parsed.diagnostics.length) {
    return {
      ok: false,
      config: null,
      diagnostics: placeDiagnostics(parsed.diagnostics, () => null, options.file),
    };
  }
  const result = validateServeConfig(parsed.value, options);
  const diagnostics = [...readerDifferences(parsed.doc), ...result.diagnostics];
  return {
    ...result,
    ok: !hasErrors(diagnostics),
    diagnostics: placeDiagnostics(diagnostics, (p) => locate(parsed, p), options.file),
  };
}
