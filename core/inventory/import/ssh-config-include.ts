/**
 * `Include` in an ssh config, followed the way OpenSSH follows it (ssh_config(5), readconf.c):
 * several paths per line, glob wildcards (lexical order), `~`, relative paths under ~/.ssh,
 * at any point of a file, inside `Host` and `Match` blocks too; at most 16 levels deep; a cycle
 * is refused with a message naming it (OpenSSH only stops at the depth limit).
 *
 * ssh-config (the parser) does not follow Include, so the files are loaded into a tree here and
 * flattened into one config per host name: an Include inside a `Host P` block counts only for
 * names that match P (OpenSSH reads it with NEVERMATCH otherwise), and after an included file
 * the including block is opened again (`Host *` at the top level), as OpenSSH restores its
 * active state when the included file ends. Files are read with readConfigFile (regular files,
 * 1 MB at most, never blocking).
 */
import fs from 'node:fs';
import { ConfigFileError, expandGlob, includePath, readConfigFile } from './config-files';

/** OpenSSH's READCONF_MAX_DEPTH. */
export const MAX_INCLUDE_DEPTH = 16;
const MAX_FILES = 256;

type Item =
  | { kind: 'line'; text: string }
  | { kind: 'include'; text: string; files: { path: string; items: Item[] }[] };

/** The config cannot be imported as written (a syntax error, an Include cycle, ...): the user's input, not a bug. */
export class SshConfigError extends Error {}
export class SshConfigIncludeError extends SshConfigError {}

export interface IncludeTree {
  items: Item[];
  warnings: string[];
  /** Every file read through Include, in order. */
  files: string[];
}

const HEADER = /^\s*(host|match)(\s*=\s*|\s+)(.*)$/i;
const INCLUDE = /^\s*include(\s*=\s*|\s+)(.*)$/i;

/** Whitespace-separated words, double quotes grouping (as readconf's argv_split). */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text.replace(/\s#.*$/, '')))) out.push(m[1] ?? m[2]!);
  return out;
}

/** Loads `text` (from `origin`, if it is a file) and every file it includes. */
export function loadIncludeTree(
  text: string,
  opts: { home: string; origin?: string },
): IncludeTree {
  const warnings: string[] = [];
  const files: string[] = [];
  const realOf = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const load = (content: string, stack: string[], depth: number): Item[] =>
    content.split(/\r?\n/).map((line): Item => {
      const inc = INCLUDE.exec(line);
      if (!inc) return { kind: 'line', text: line };
      const included: { path: string; items: Item[] }[] = [];
      for (const pattern of words(inc[2] ?? '')) {
        for (const file of expandGlob(includePath(pattern, opts.home))) {
          const real = realOf(file);
          if (stack.includes(real)) {
            throw new SshConfigIncludeError(
              `Include cycle: ${[...stack, real].join(' → ')} (OpenSSH would stop after ${MAX_INCLUDE_DEPTH} levels); remove the Include that leads back.`,
            );
          }
          if (depth + 1 > MAX_INCLUDE_DEPTH)
            throw new SshConfigIncludeError(
              `Includes are nested more than ${MAX_INCLUDE_DEPTH} levels deep (at ${file}); OpenSSH refuses that too.`,
            );
          if (files.length >= MAX_FILES)
            throw new SshConfigIncludeError(
              `More than ${MAX_FILES} files are included; import fewer at a time.`,
            );
          let body: string;
          try {
            body = readConfigFile(file);
          } catch (err) {
            if (err instanceof ConfigFileError && err.problem !== 'no such file')
              warnings.push(`Include ${pattern}: ${err.message}`);
            continue;
          }
          files.push(file);
          included.push({ path: file, items: load(body, [...stack, real], depth + 1) });
        }
      }
      return { kind: 'include', text: line, files: included };
    });
  const items = load(text, opts.origin ? [realOf(opts.origin)] : [], 0);
  return { items, warnings, files };
}

function patternRegex(p: string): RegExp {
  return new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

/** OpenSSH's match_hostname over a Host line's patterns: a negated match wins, then any match. */
export function hostMatches(patterns: string[], name: string): boolean {
  let matched = false;
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    if (!p) continue;
    if (patternRegex(p).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * The config as ssh reads it for host `name` (null: every Include followed, for listing the
 * hosts a config defines). `warnings` gets what cannot be represented.
 */
export function flattenFor(
  tree: IncludeTree,
  name: string | null,
  warnings: string[] = [],
): string {
  const out: string[] = [];
  const walk = (items: Item[]) => {
    let current: { kind: 'host' | 'match'; line: string; patterns: string[] } | null = null;
    for (const item of items) {
      if (item.kind === 'line') {
        const h = HEADER.exec(item.text);
        if (h)
          current = {
            kind: h[1]!.toLowerCase() as 'host' | 'match',
            line: item.text,
            patterns: words(h[3] ?? ''),
          };
        out.push(item.text);
        continue;
      }
      // Inside a Host block that does not match this name, OpenSSH reads the file with
      // NEVERMATCH: nothing in it applies.
      if (current?.kind === 'host' && name !== null && !hostMatches(current.patterns, name))
        continue;
      for (const file of item.files) {
        const start = out.length;
        walk(file.items);
        const added = out.slice(start);
        const firstHeader = added.findIndex((l) => HEADER.test(l));
        if (firstHeader === -1) continue;
        if (current?.kind === 'match') {
          // A Host or Match inside a file included from a Match block: both conditions would
          // have to hold; ssh-config cannot say that, so those blocks are left out.
          out.length = start + firstHeader;
          warnings.push(
            `Host/Match blocks of ${file.path} (included inside a Match block) are not imported.`,
          );
          continue;
        }
        // The included file ended: the including block (or the top level) applies again.
        out.push(current ? current.line : 'Host *');
      }
    }
  };
  walk(tree.items);
  return out.join('\n');
}
