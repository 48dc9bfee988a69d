/**
 * Running Raydeck's own scripts on a node — the only code that ever runs there. A script is
 * one of the entries of `remote/scripts/` (checked by name): a bash script `<name>.sh`, a
 * Python program `<name>.py` (stdlib only), or a Python program of several modules, the folder
 * `<name>/` with a `__main__.py` (uploaded as one zipapp, `zipapp.ts`). Bash scripts get their
 * shared preludes here: a line `# raydeck:prelude NAME ...` becomes
 * `remote/scripts/prelude/NAME.sh` (the watchdog that ends a cancelled script's process group),
 * written once instead of pasted into each script. A script is uploaded once per connection
 * over SFTP to `~/.raydeck/scripts/<name>-<sha256-12>.sh` (or `.py`, `.pyz`; 0700; skipped when
 * that exact version is already there), then started with a command built from that fixed path
 * alone (`bash PATH` or `python3 PATH`). Arguments go in as JSON on stdin, so no user data ever
 * reaches a shell's parser on the node.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import type { RunScriptOptions, ScriptResult } from '../types';
import { BoundedOutput } from './bounded-output';
import { abortReason } from './channel-slots';
import { deterministicZip } from './zipapp';

/** Opens channels on a live connection (each holds one of the connection's channel slots). */
export interface ChannelOpener {
  sftp(signal?: AbortSignal): Promise<SFTPWrapper>;
  exec(command: string, signal?: AbortSignal): Promise<ClientChannel>;
}

export interface RemoteScript {
  name: string;
  /** `<name>-<first 12 hex of sha256>.sh` (or `.py`, `.pyz`): a new version never overwrites a running one. */
  fileName: string;
  /**
   * What runs on the node: a bash script with its preludes in place, a Python program as it is,
   * or a package folder's modules in one zipapp.
   */
  content: Buffer;
}

/** The interpreter a script's uploaded file runs with, by its extension. */
export function interpreterFor(scriptPath: string): 'bash' | 'python3' {
  return /\.pyz?$/.test(scriptPath) ? 'python3' : 'bash';
}

const SCRIPT_FILE = /^([a-z0-9][a-z0-9-]*)\.(sh|py)$/;
const SCRIPT_PACKAGE = /^[a-z0-9][a-z0-9-]*$/;
const PACKAGE_MODULE = /^[A-Za-z_][A-Za-z0-9_]*\.py$/;
const PRELUDE_LINE = /^# raydeck:prelude ([a-z0-9-]+)\b.*$/gm;

/** Finds `remote/scripts` by walking up from this file (works from source and from a bundle). */
export function defaultScriptsDir(): string {
  let dir = path.dirname(
    typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url),
  );
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'remote', 'scripts');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the remote/scripts folder of Raydeck');
}

/**
 * The scripts that may run on a node: exactly the `*.sh` and `*.py` files of one folder and its
 * subfolders with a `__main__.py` (Python programs of several modules).
 */
export class RemoteScriptCatalog {
  private readonly cache = new Map<string, RemoteScript>();

  constructor(readonly dir: string = defaultScriptsDir()) {}

  /** Each script's entry: `x.sh`, `x.py`, or `x/` for a package folder with a `__main__.py`. */
  private files(): Map<string, string> {
    const byName = new Map<string, string>();
    for (const f of readdirSync(this.dir)) {
      const name =
        SCRIPT_FILE.exec(f)?.[1] ??
        (SCRIPT_PACKAGE.test(f) && existsSync(path.join(this.dir, f, '__main__.py'))
          ? f
          : undefined);
      if (!name) continue;
      const entry = name === f ? `${f}/` : f;
      if (byName.has(name))
        throw new Error(
          `remote/scripts has two scripts named "${name}" (${byName.get(name)} and ${entry}): keep one.`,
        );
      byName.set(name, entry);
    }
    return byName;
  }

  names(): string[] {
    return [...this.files().keys()].sort();
  }

  get(name: string): RemoteScript {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const file = this.files().get(name);
    if (!file)
      throw new Error(
        `"${name}" is not one of Raydeck's remote scripts (${this.names().join(', ')}).`,
      );
    const content = file.endsWith('/')
      ? this.zipapp(file)
      : file.endsWith('.sh')
        ? Buffer.from(this.withPreludes(readFileSync(path.join(this.dir, file), 'utf8'), file))
        : readFileSync(path.join(this.dir, file));
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
    const extension = file.endsWith('/') ? '.pyz' : path.extname(file);
    const script = { name, fileName: `${name}-${hash}${extension}`, content };
    this.cache.set(name, script);
    return script;
  }

  /**
   * A package folder's modules (its `*.py` files; `__pycache__` and dot files are left out, any
   * other folder or file refused, so nothing the program needs is silently missing on the node) as a
   * deterministic zipapp: the hash changes when any module does.
   */
  private zipapp(folder: string): Buffer {
    const dir = path.join(this.dir, folder);
    const entries = [];
    for (const f of readdirSync(dir)) {
      if (f === '__pycache__' || f.startsWith('.')) continue;
      if (!PACKAGE_MODULE.test(f) || !statSync(path.join(dir, f)).isFile())
        throw new Error(
          `remote/scripts/${folder}${f} is not a module (a flat folder of *.py files is uploaded as one zipapp).`,
        );
      entries.push({ name: f, content: readFileSync(path.join(dir, f)) });
    }
    return deterministicZip(entries);
  }

  /** A bash script with each `# raydeck:prelude NAME` line replaced by `prelude/NAME.sh`. */
  private withPreludes(text: string, file: string): string {
    return text.replace(PRELUDE_LINE, (_line, prelude: string) => {
      const preludeFile = path.join(this.dir, 'prelude', `${prelude}.sh`);
      if (!existsSync(preludeFile))
        throw new Error(
          `${file} asks for the prelude "${prelude}", which remote/scripts/prelude does not have.`,
        );
      return readFileSync(preludeFile, 'utf8').replace(/\n$/, '');
    });
  }
}

/** Quotes one word for a POSIX shell: everything literal inside single quotes. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function call<T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

async function exists(sftp: SFTPWrapper, file: string): Promise<{ size: number } | null> {
  try {
    const stats = await call<{ size: number }>((cb) => sftp.stat(file, cb));
    return { size: stats.size };
  } catch {
    return null;
  }
}

export async function ensureDir(sftp: SFTPWrapper, dir: string, mode: number): Promise<void> {
  if (await exists(sftp, dir)) return;
  try {
    await call<void>((cb) => sftp.mkdir(dir, { mode }, (err) => cb(err, undefined)));
  } catch (err) {
    if (!(await exists(sftp, dir))) throw err; // another upload may have created it meanwhile
  }
}

/** Like `ensureDir`, creating missing parents too (an absolute `dir`). */
export async function ensureDirs(sftp: SFTPWrapper, dir: string, mode: number): Promise<void> {
  if (dir === '/' || (await exists(sftp, dir))) return;
  await ensureDirs(sftp, path.posix.dirname(dir), mode);
  await ensureDir(sftp, dir, mode);
}

/** Resolves `~/x` and relative paths against the login's home directory. */
export async function homePath(sftp: SFTPWrapper, remotePath: string): Promise<string> {
  if (remotePath.startsWith('/')) return remotePath;
  const home = await call<string>((cb) => sftp.realpath('.', cb));
  return path.posix.join(home, remotePath.replace(/^~(\/|$)/, ''));
}

/** Writes a file atomically (temporary name, then rename over the target). */
export async function writeRemoteFile(
  sftp: SFTPWrapper,
  file: string,
  content: Buffer,
  mode: number,
): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.part`;
  await call<void>((cb) =>
    sftp.writeFile(temporary, content, { mode }, (err) => cb(err, undefined)),
  );
  try {
    await call<void>((cb) => sftp.chmod(temporary, mode, (err) => cb(err, undefined)));
    await call<void>((cb) => sftp.ext_openssh_rename(temporary, file, (err) => cb(err, undefined)));
  } catch (err) {
    await call<void>((cb) => sftp.unlink(temporary, (e) => cb(e, undefined))).catch(
      () => undefined,
    );
    throw err;
  }
}

/** Streams a local file to `file` (temporary name, then rename over the target), reporting bytes sent. */
export async function putFileAtomic(
  sftp: SFTPWrapper,
  localPath: string,
  file: string,
  mode: number,
  onProgress?: (sent: number, total: number) => void,
): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.part`;
  try {
    await call<void>((cb) =>
      sftp.fastPut(
        localPath,
        temporary,
        {
          mode,
          concurrency: 16,
          chunkSize: 32 * 1024,
          step: (sent, _chunk, total) => onProgress?.(sent, total),
        },
        (err) => cb(err ?? undefined, undefined),
      ),
    );
    await call<void>((cb) => sftp.chmod(temporary, mode, (err) => cb(err, undefined)));
    await call<void>((cb) => sftp.ext_openssh_rename(temporary, file, (err) => cb(err, undefined)));
  } catch (err) {
    await call<void>((cb) => sftp.unlink(temporary, (e) => cb(e, undefined))).catch(
      () => undefined,
    );
    throw err;
  }
}

/** Uploads scripts to one connection, each version at most once. */
export class ScriptInstaller {
  private readonly installed = new Map<string, Promise<string>>();

  constructor(private readonly channels: ChannelOpener) {}

  /** Resolves to the absolute path of the script on the node. */
  install(script: RemoteScript, signal?: AbortSignal): Promise<string> {
    let pending = this.installed.get(script.fileName);
    if (!pending) {
      pending = this.upload(script, signal);
      this.installed.set(script.fileName, pending);
      pending.catch(() => this.installed.delete(script.fileName));
    }
    return pending;
  }

  private async upload(script: RemoteScript, signal?: AbortSignal): Promise<string> {
    const sftp = await this.channels.sftp(signal);
    try {
      const home = await homePath(sftp, '.');
      await ensureDir(sftp, `${home}/.raydeck`, 0o700);
      await ensureDir(sftp, `${home}/.raydeck/scripts`, 0o700);
      const file = `${home}/.raydeck/scripts/${script.fileName}`;
      const present = await exists(sftp, file);
      if (present?.size !== script.content.length)
        await writeRemoteFile(sftp, file, script.content, 0o700);
      return file;
    } finally {
      sftp.end();
    }
  }
}

const SIGNAL_NUMBERS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  PIPE: 13,
  TERM: 15,
};

/**
 * Runs an installed script: `bash '<path>'` (or `python3 '<path>'`), `input` as JSON on stdin then EOF, output streamed
 * by line and bounded. Cancelling sends SIGTERM (sshd honours it for non-root logins only) and
 * closes the channel; the scripts' own watchdog then ends their process group (remote/README.md).
 */
export async function execScript(
  channels: ChannelOpener,
  scriptPath: string,
  opts: RunScriptOptions = {},
): Promise<ScriptResult> {
  const { signal, onLine } = opts;
  const limit = opts.maxOutputBytes ?? 1024 * 1024;
  const channel = await channels.exec(
    `${interpreterFor(scriptPath)} ${shellQuote(scriptPath)}`,
    signal,
  );
  const stdout = new BoundedOutput(limit, onLine && ((line) => onLine(line, 'stdout')));
  const stderr = new BoundedOutput(limit, onLine && ((line) => onLine(line, 'stderr')));
  return new Promise<ScriptResult>((resolve, reject) => {
    let code: number | null = null;
    const onAbort = () => {
      try {
        channel.signal('TERM');
      } catch {
        // the channel may already be closing
      }
      channel.close();
      reject(abortReason(signal!));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (exitCode: number | null, signalName?: string) => {
      code = exitCode ?? 128 + (SIGNAL_NUMBERS[signalName ?? ''] ?? 127);
    });
    channel.on('error', (err: Error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    channel.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      stdout.finish();
      stderr.finish();
      if (code === null) reject(new Error('the connection closed before the script finished'));
      else resolve({ code, stdout: stdout.text(), stderr: stderr.text() });
    });
    channel.end(JSON.stringify(opts.input ?? null));
  });
}

/** The JSON value on the last non-empty stdout line of a successful script run. */
export function scriptJson(name: string, result: ScriptResult): unknown {
  const lastLine = result.stdout.trimEnd().split('\n').pop() ?? '';
  if (result.code !== 0) {
    const why = result.stderr.trim().split('\n').slice(-3).join(' / ') || lastLine || 'no output';
    throw new Error(`${name} failed on the node (exit ${result.code}): ${why}`);
  }
  try {
    return JSON.parse(lastLine) as unknown;
  } catch {
    throw new Error(
      `${name} did not print a JSON result (last line: ${JSON.stringify(lastLine.slice(0, 200))}).`,
    );
  }
}
