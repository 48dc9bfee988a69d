/**
 * Reading ssh config files for import, safely: only regular files, at most 1 MB, opened
 * non-blocking (a FIFO or /dev/zero named as a config, or reached through `Include`, must not
 * hang or flood the core: issue 16), and `Include` globs expanded the way OpenSSH's glob(3) does
 * (lexical order; `*` and `?` never match a leading "."; no match is no error).
 */
import fs from 'node:fs';
import path from 'node:path';

export const MAX_CONFIG_BYTES = 1_000_000;

export type ConfigReadProblem =
  | 'no such file'
  | 'permission denied'
  | 'not a regular file'
  | 'larger than 1 MB'
  | 'cannot be read';

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: ConfigReadProblem,
  ) {
    super(`Cannot read ${file}: ${problem}.`);
  }
}

/** The text of a config file, or a ConfigFileError saying why not. */
export function readConfigFile(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      file,
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : 'cannot be read',
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new ConfigFileError(file, 'not a regular file');
    if (st.size > MAX_CONFIG_BYTES) throw new ConfigFileError(file, 'larger than 1 MB');
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > MAX_CONFIG_BYTES) throw new ConfigFileError(file, 'larger than 1 MB');
      if (got === buf.length) break;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    throw new ConfigFileError(file, 'cannot be read');
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the files of an `Include` pattern are: `~` expanded, relative paths under ~/.ssh. */
export function includePath(pattern: string, home: string): string {
  if (pattern === '~') return home;
  if (pattern.startsWith('~/')) return path.join(home, pattern.slice(2));
  return path.isAbsolute(pattern) ? pattern : path.join(home, '.ssh', pattern);
}

const WILD = /[*?[]/;

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The files a glob names, sorted as glob(3) sorts them; at most `limit`. */
export function expandGlob(pattern: string, limit = 256): string[] {
  if (!WILD.test(pattern)) return [pattern];
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!WILD.test(part)) {
        next.push(path.join(base, part));
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(base);
      } catch {
        continue;
      }
      const re = segmentRegex(part);
      for (const n of names.sort()) {
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (re.test(n)) next.push(path.join(base, n));
        if (next.length >= limit) break;
      }
    }
    bases = next.slice(0, limit);
  }
  return bases.filter((p) => {
    try {
      fs.statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}
