/**
 * Typed errors that cross the contract. Every failure a renderer can see is one of these codes
 * with a readable message (and, for bad input, the field paths) — never a stack trace.
 */

export type ErrorCode =
  | 'validation' // input failed the method's schema
  | 'not_found' // the named thing does not exist
  | 'conflict' // the request clashes with current state (duplicate name, ...)
  | 'unknown_method' // no such method in the contract
  | 'disconnected' // the transport dropped before an answer came
  | 'internal'; // a bug on our side; the message is safe to show, details stay in the log

/** One problem with one field of an input, e.g. `{ path: "name", message: "must start with a letter" }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The wire form of an error. Plain data, so it survives JSON, IPC and structured clone. */
export interface RaydeckErrorShape {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
}

/** Thrown on the client side of every transport when a call fails. */
export class RaydeckError extends Error implements RaydeckErrorShape {
  readonly code: ErrorCode;
  readonly issues?: FieldIssue[];

  constructor(shape: RaydeckErrorShape) {
    super(shape.message);
    this.name = 'RaydeckError';
    this.code = shape.code;
    if (shape.issues) this.issues = shape.issues;
  }

  toShape(): RaydeckErrorShape {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isErrorShape(value: unknown): value is RaydeckErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Joins a zod-style path (`["nodes", 0, "host"]`) as `nodes[0].host`; the root is `(input)`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(input)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** A one-line summary of field issues, for CLIs and toasts: `name: must start with a letter`. */
export function summarizeIssues(issues: ReadonlyArray<FieldIssue>): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
