/**
 * Edits Serve config YAML in place: a change is spliced into the source text at the node it
 * touches, so comments, key order, quoting and every untouched byte stay as the user wrote them
 * (the `yaml` package's Document.toString re-indents and re-spaces the whole file, so it is used
 * only as a last resort, for flow collections). After each splice the result is parsed again and
 * must hold exactly the new value at the path.
 */
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  stringify,
  type Document,
  type Node,
} from 'yaml';
import type { ConfigPath } from './diagnostics';
import { RAY_YAML } from './yaml-source';

const isCollection = (v: unknown) => typeof v === 'object' && v !== null;

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}
function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** A scalar as YAML source, in the quoting style of the scalar it replaces when it can. */
function renderScalar(value: unknown, like?: Scalar): string {
  if (typeof value === 'string') {
    if (like?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (like?.type === 'QUOTE_SINGLE' && !value.includes('\n'))
      return `'${value.replace(/'/g, "''")}'`;
  }
  return stringify(value, { ...RAY_YAML, lineWidth: 0 }).trimEnd();
}

/** A collection as block YAML whose first line starts at the cursor and the rest at `indent`. */
function renderBlock(value: unknown, indent: number): string {
  const lines = stringify(value, { ...RAY_YAML, lineWidth: 0, indentSeq: false })
    .trimEnd()
    .split('\n');
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l)).join('\n');
}

function getNode(doc: Document, path: ConfigPath): unknown {
  return path.length === 0 ? doc.contents : doc.getIn(path, true);
}

function sameValue(text: string, path: ConfigPath, value: unknown): boolean {
  const doc = parseDocument(text, RAY_YAML);
  if (doc.errors.length) return false;
  const got = path.length === 0 ? doc.toJS() : doc.getIn(path);
  const plain = isNode(got) ? got.toJSON() : got;
  return JSON.stringify(plain) === JSON.stringify(value);
}

function splice(text: string, from: number, to: number, insert: string): string {
  return text.slice(0, from) + insert + text.slice(to);
}

/** Text with the value at `path` set (created with its missing parents when absent). */
export function setInYaml(text: string, path: ConfigPath, value: unknown): string {
  if (path.length === 0) throw new Error('setInYaml: the path is empty');
  const doc = parseDocument(text, { ...RAY_YAML, keepSourceTokens: true });
  if (doc.errors.length)
    throw new Error(`setInYaml: the YAML does not parse: ${doc.errors[0]!.message}`);
  const next = trySplice(text, doc, path, value);
  if (next !== null && sameValue(next, path, value)) return next;
  // Last resort (flow collections, block scalars): the Document API keeps comments and order.
  doc.setIn(path, value);
  return doc.toString();
}

function trySplice(text: string, doc: Document, path: ConfigPath, value: unknown): string | null {
  const node = getNode(doc, path);
  if (isNode(node) && node.range) {
    const [start, end] = node.range;
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'))
      return null;
    if ((isMap(node) || isSeq(node)) && node.flow) return null;
    if (!isCollection(value)) {
      if (!isScalar(node)) return null;
      return splice(text, start, end, renderScalar(value, node));
    }
    if (isScalar(node)) {
      // `key: scalar` becomes `key:` with a block below it, indented under the key.
      const parent = getNode(doc, path.slice(0, -1));
      const pair = isMap(parent)
        ? parent.items.find((p) => (p.value as unknown) === node)
        : undefined;
      const keyNode = pair?.key as Node | undefined;
      if (!keyNode?.range) return null;
      const indent = columnOf(text, keyNode.range[0]) + 2;
      const colon = text.lastIndexOf(':', start);
      return splice(text, colon + 1, end, `\n${' '.repeat(indent)}${renderBlock(value, indent)}`);
    }
    return splice(text, start, end, renderBlock(value, columnOf(text, start)));
  }
  // Absent: add it to the nearest parent that exists, as a nested block.
  const parentPath = path.slice(0, -1);
  const key = path.at(-1)!;
  const parent = getNode(doc, parentPath);
  if (!isNode(parent)) {
    if (parentPath.length === 0) return null;
    return trySplice(text, doc, parentPath, typeof key === 'number' ? [value] : { [key]: value });
  }
  if (isMap(parent) && !parent.flow && parent.items.length > 0 && typeof key === 'string') {
    const first = parent.items[0]!.key as Node;
    const last = parent.items.at(-1)!;
    const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range)![2];
    const indent = columnOf(text, first.range![0]);
    const at = lineEndAfter(text, Math.max(lastEnd - 1, 0));
    const entry = isCollection(value)
      ? `${key}:\n${' '.repeat(indent + 2)}${renderBlock(value, indent + 2)}`
      : `${key}: ${renderScalar(value)}`;
    const sep = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return splice(text, at, at, `${sep}${' '.repeat(indent)}${entry}\n`);
  }
  if (isSeq(parent) && !parent.flow && parent.items.length > 0 && key === parent.items.length) {
    const firstItem = parent.items[0] as Node;
    const lastItem = parent.items.at(-1) as Node;
    const itemStart = firstItem.range![0];
    const dash = text.lastIndexOf('-', itemStart);
    const indent = columnOf(text, dash);
    const at = lineEndAfter(text, Math.max(lastItem.range![2] - 1, 0));
    const sep = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return splice(
      text,
      at,
      at,
      `${sep}${' '.repeat(indent)}- ${isCollection(value) ? renderBlock(value, indent + 2) : renderScalar(value)}\n`,
    );
  }
  return null;
}

/** Text without the map entry or list item at `path` (unchanged when it is absent). */
export function deleteInYaml(text: string, path: ConfigPath): string {
  const doc = parseDocument(text, { ...RAY_YAML, keepSourceTokens: true });
  if (doc.errors.length)
    throw new Error(`deleteInYaml: the YAML does not parse: ${doc.errors[0]!.message}`);
  if (path.length === 0 || !doc.hasIn(path)) return text;
  const parent = getNode(doc, path.slice(0, -1));
  const key = path.at(-1)!;
  let from: number | null = null;
  let to: number | null = null;
  if (isMap(parent) && !parent.flow) {
    const pair = parent.items.find(
      (p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key,
    );
    const k = pair?.key as Node | undefined;
    // Only when the key starts its line (not `- name: x`, whose dash belongs to the list item).
    if (pair && k?.range && text.slice(lineStart(text, k.range[0]), k.range[0]).trim() === '') {
      from = lineStart(text, k.range[0]);
      to = lineEndAfter(
        text,
        Math.max(((pair.value as Node | null)?.range ?? k.range)[2] - 1, k.range[1]),
      );
    }
  } else if (isSeq(parent) && !parent.flow && typeof key === 'number') {
    const item = parent.items[key] as Node | undefined;
    if (item?.range) {
      from = lineStart(text, item.range[0]);
      to = lineEndAfter(text, Math.max(item.range[2] - 1, item.range[1]));
    }
  }
  if (from !== null && to !== null) {
    const next = splice(text, from, to, '');
    const check = parseDocument(next, RAY_YAML);
    const before = (doc.getIn(path.slice(0, -1)) as { items?: unknown[] } | undefined)?.items
      ?.length;
    const after = (check.getIn(path.slice(0, -1)) as { items?: unknown[] } | undefined)?.items
      ?.length;
    if (!check.errors.length && after === (before ?? 0) - 1) return next;
  }
  doc.deleteIn(path);
  return doc.toString();
}
