/**
 * Imports hosts from an OpenSSH client config (`~/.ssh/config`) with the maintained `ssh-config`
 * parser: one `ImportedHost` per literal alias of a `Host` line, with everything that applies to
 * it (including `Host *` and matching `Match` blocks) computed the way ssh does, first value wins.
 *
 * Nothing in the config is ever run or resolved:
 * - `Match exec` is never evaluated (`matchExec: false`), so such a block never applies;
 * - `CanonicalizeHostName` is removed before computing (ssh-config would call nslookup);
 * - `ProxyCommand` is ignored with a warning (Raydeck only follows ProxyJump);
 * - `Include` is followed as OpenSSH follows it (ssh-config-include.ts) when `followIncludes` is
 *   set (the app and the CLI set it); otherwise a file-level warning names it.
 * `Match` blocks with host/originalhost/user/localuser/all/final criteria are applied by
 * ssh-config (it matches `user` against the local login name); other criteria never match.
 *
 * Every value that ends up in a node is checked with the domain schemas (`HostAddress`,
 * `SshUser`, `SshPort`): a hostile entry such as `HostName $(id)` or `User -oProxyCommand=...`
 * becomes a `RejectedHost` with a reason, never an importable host.
 */
import SSHConfig, { LineType, type Line, type Match, type Section } from 'ssh-config';
import { HostAddress, ResourceName, SshPort, SshUser } from '../../../shared';
import {
  schemaProblem,
  type ImportedHost,
  type ImportedJump,
  type RejectedHost,
} from './imported-host';
import { SshConfigError, flattenFor, loadIncludeTree } from './ssh-config-include';

export interface SshConfigImportOptions {
  /** Home folder used for `~` and `%d`. */
  home: string;
  /** User when the config sets none (ssh uses the local login name). */
  defaultUser: string;
  /** Local login name for `%u`; defaults to `defaultUser`. */
  localUser?: string;
  /** Follow `Include` as OpenSSH does (reads files); off: Include lines are only warned about. */
  followIncludes?: boolean;
  /** The file `text` came from (cycles through it are refused). */
  origin?: string;
}

export interface SshConfigImport {
  hosts: ImportedHost[];
  rejected: RejectedHost[];
  /** About the file as a whole (Include not followed, Match exec not run, ...). */
  warnings: string[];
}

type Computed = Record<string, string | string[]>;

/** The endpoint ssh would use for a name: HostName/Port/User from the config, checked. */
interface Endpoint {
  host: string;
  port: number;
  user: string;
}

export function importSshConfig(text: string, options: SshConfigImportOptions): SshConfigImport {
  let warnings: string[];
  let aliases: Set<string>;
  let compute: (name: string) => Computed;
  if (options.followIncludes) {
    // One flattened config per host name (see ssh-config-include.ts); hosts whose Host line sits
    // in a file included under a Host block they do not match are not hosts ssh knows.
    const tree = loadIncludeTree(text, {
      home: options.home,
      ...(options.origin ? { origin: options.origin } : {}),
    });
    const notes: string[] = [...tree.warnings];
    const all = parseConfig(flattenFor(tree, null));
    const cache = new Map<string, SSHConfig>();
    const configFor = (name: string) => {
      let c = cache.get(name);
      if (!c) {
        c = parseConfig(flattenFor(tree, name, notes));
        fileWarnings(c, true);
        cache.set(name, c);
      }
      return c;
    };
    warnings = fileWarnings(all, true);
    aliases = new Set([...literalAliases(all)].filter((a) => literalAliases(configFor(a)).has(a)));
    compute = (name) => configFor(name).compute(name, { ignoreCase: true, matchExec: false });
    warnings.push(...new Set(notes));
  } else {
    const config = parseConfig(text);
    warnings = fileWarnings(config, false);
    aliases = literalAliases(config);
    compute = (name) => config.compute(name, { ignoreCase: true, matchExec: false });
  }

  const results = new Map<string, ImportedHost | RejectedHost>();
  for (const alias of aliases) results.set(alias, importOne(alias, compute, aliases, options));

  // A host whose jump alias could not be imported cannot be reached as configured.
  const isRejected = (alias: string): boolean => {
    const result = results.get(alias);
    return result !== undefined && 'reasons' in result;
  };
  const hosts: ImportedHost[] = [];
  const rejected: RejectedHost[] = [];
  for (const result of results.values()) {
    if ('reasons' in result) {
      rejected.push(result);
      continue;
    }
    const broken = result.jumpChain.flatMap((hop) =>
      hop.kind === 'alias' && isRejected(hop.alias) ? [hop.alias] : [],
    );
    if (broken.length > 0)
      rejected.push({
        alias: result.alias,
        reasons: [`Its jump host ${broken.join(', ')} cannot be imported (see that entry).`],
      });
    else hosts.push(result);
  }
  return { hosts, rejected, warnings };
}

function importOne(
  alias: string,
  compute: (name: string) => Computed,
  aliases: Set<string>,
  options: SshConfigImportOptions,
): ImportedHost | RejectedHost {
  const computed = compute(alias);
  const reasons: string[] = [];
  const warnings: string[] = [];

  const endpoint = resolveEndpoint(alias, computed, options, reasons);
  const nameProblem = schemaProblem(ResourceName, alias, 'The alias');
  if (nameProblem) warnings.push(`${nameProblem} Choose another node name when importing.`);

  const identityFile = firstIdentityFile(computed, endpoint, alias, options, reasons, warnings);

  let jumpChain: ImportedJump[] = [];
  const proxyJump = single(computed.proxyjump);
  if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') {
    jumpChain = parseProxyJump(proxyJump, alias, compute, aliases, options, reasons);
    if (jumpChain.length > 1) {
      warnings.push(
        `ProxyJump ${proxyJump} is a chain of ${jumpChain.length} hops: ${alias} is reached through the last one, which must itself be reached through the ones before it.`,
      );
    }
  }
  const proxyCommand = single(computed.proxycommand);
  if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none') {
    warnings.push(
      `ProxyCommand is ignored: Raydeck never runs commands from ssh config${jumpChain.length ? '' : ' and will connect directly'}.`,
    );
  }

  if (reasons.length > 0 || !endpoint) return { alias, reasons };
  return { alias, ...endpoint, identityFile, jump: jumpChain.at(-1) ?? null, jumpChain, warnings };
}

/** HostName (with %h / %%), Port and User for `name`, or null with reasons. */
function resolveEndpoint(
  name: string,
  computed: Computed,
  options: SshConfigImportOptions,
  reasons: string[],
): Endpoint | null {
  const rawHost = single(computed.hostname);
  const host =
    rawHost === undefined ? name : expandTokens(rawHost, { h: name }, 'HostName', reasons);
  const user = single(computed.user) ?? options.defaultUser;
  const rawPort = single(computed.port) ?? '22';
  const port = /^[0-9]{1,5}$/.test(rawPort) ? Number(rawPort) : Number.NaN;
  const problems = [
    host === null
      ? null
      : schemaProblem(
          HostAddress,
          host,
          rawHost === undefined ? 'The alias used as host name' : 'HostName',
        ),
    schemaProblem(SshUser, user, 'User'),
    Number.isNaN(port)
      ? `Port ${JSON.stringify(rawPort)} is not a number.`
      : schemaProblem(SshPort, port, 'Port'),
  ].filter((p): p is string => p !== null);
  reasons.push(...problems);
  if (host === null || problems.length > 0) return null;
  return { host: host.trim(), port, user: user.trim() };
}

function firstIdentityFile(
  computed: Computed,
  endpoint: Endpoint | null,
  alias: string,
  options: SshConfigImportOptions,
  reasons: string[],
  warnings: string[],
): string | null {
  const raw = [computed.identityfile ?? []].flat()[0];
  if (raw === undefined || raw.toLowerCase() === 'none') return null;
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    reasons.push(`IdentityFile ${JSON.stringify(raw)} contains control characters.`);
    return null;
  }
  if (raw.includes('${')) {
    warnings.push(
      `IdentityFile ${raw} uses an environment variable, which Raydeck does not expand; set the key file by hand.`,
    );
    return null;
  }
  const tokens: Record<string, string> = {
    d: options.home,
    u: options.localUser ?? options.defaultUser,
    n: alias,
  };
  if (endpoint)
    Object.assign(tokens, { h: endpoint.host, p: String(endpoint.port), r: endpoint.user });
  const tokenProblems: string[] = [];
  const expanded = expandTokens(raw, tokens, 'IdentityFile', tokenProblems);
  if (expanded === null) {
    warnings.push(...tokenProblems.map((p) => `${p} Set the key file by hand.`));
    return null;
  }
  if (expanded === '~') return options.home;
  if (expanded.startsWith('~/')) return `${options.home.replace(/\/+$/, '')}/${expanded.slice(2)}`;
  return expanded;
}

/** Expands `%x` tokens from `values` (and `%%`); an unknown token is a reason and null. */
function expandTokens(
  text: string,
  values: Record<string, string>,
  label: string,
  reasons: string[],
): string | null {
  let unknown: string | null = null;
  const out = text.replace(/%(.?)/g, (whole, token: string) => {
    if (token === '%') return '%';
    const value = values[token];
    if (value === undefined) unknown ??= whole;
    return value ?? whole;
  });
  if (unknown !== null) {
    reasons.push(
      `${label} ${JSON.stringify(text)} uses the token ${unknown}, which Raydeck does not expand here (it knows ${Object.keys(
        values,
      )
        .map((k) => `%${k}`)
        .join(', ')}, %%).`,
    );
    return null;
  }
  return out;
}

/**
 * `ProxyJump a,user@b:2222,ssh://c` → hops in order. A bare name that is an alias of this config
 * stays a reference to it; anything else is inline, its missing parts filled from the config as
 * ssh does for a jump host.
 */
function parseProxyJump(
  value: string,
  alias: string,
  compute: (name: string) => Computed,
  aliases: Set<string>,
  options: SshConfigImportOptions,
  reasons: string[],
): ImportedJump[] {
  const hops: ImportedJump[] = [];
  for (const text of value.split(',').map((s) => s.trim())) {
    const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::([^:]+))?$/.exec(text);
    if (!m) {
      reasons.push(`ProxyJump hop ${JSON.stringify(text)} is not of the form [user@]host[:port].`);
      continue;
    }
    const [, hopUser, hopHostRaw = '', hopPort] = m;
    const hopName = hopHostRaw.replace(/^\[(.*)\]$/, '$1');
    if (hopName === alias) {
      reasons.push(`ProxyJump points ${alias} at itself.`);
      continue;
    }
    if (hopUser === undefined && hopPort === undefined && aliases.has(hopName)) {
      hops.push({ kind: 'alias', alias: hopName });
      continue;
    }
    const computed = compute(hopName);
    const overridden: Computed = {
      ...computed,
      ...(hopUser !== undefined && { user: hopUser }),
      ...(hopPort !== undefined && { port: hopPort }),
    };
    const hopReasons: string[] = [];
    const endpoint = resolveEndpoint(hopName, overridden, options, hopReasons);
    reasons.push(...hopReasons.map((r) => `ProxyJump hop ${JSON.stringify(text)}: ${r}`));
    if (endpoint) hops.push({ kind: 'inline', ...endpoint });
  }
  return hops;
}

/** Literal names of `Host` lines (no `*`, `?` or `!`), in file order, each once. */
function literalAliases(config: SSHConfig): Set<string> {
  const aliases = new Set<string>();
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    for (const pattern of hostPatterns(line)) {
      if (!/[*?!]/.test(pattern) && pattern !== '') aliases.add(pattern);
    }
  }
  return aliases;
}

/** Warnings about the file; also strips `CanonicalizeHostName` so computing never resolves names. */
/** ssh-config throws on text it cannot parse (an unclosed quote, a stray line break in a value). */
function parseConfig(text: string): SSHConfig {
  try {
    return SSHConfig.parse(text);
  } catch (err) {
    throw new SshConfigError(
      `The ssh config cannot be parsed: ${err instanceof Error ? err.message.trim().slice(0, 200) : String(err)}`,
    );
  }
}

function fileWarnings(config: SSHConfig, includesFollowed: boolean): string[] {
  const warnings = new Set<string>();
  const visit = (lines: Line[]): void => {
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i];
      if (line?.type !== LineType.DIRECTIVE) continue;
      const param = line.param.toLowerCase();
      if (param === 'include' && !includesFollowed)
        warnings.add(
          `Include ${values(line).join(' ')} is not followed: import those files separately.`,
        );
      if (
        param === 'match' &&
        isMatch(line) &&
        Object.keys(line.criteria).some((k) => k.toLowerCase() === 'exec')
      ) {
        warnings.add(
          'Match blocks with "exec" are never applied: Raydeck does not run commands from ssh config.',
        );
      }
      if (param === 'canonicalizehostname') {
        warnings.add('CanonicalizeHostName is not applied: host names are imported as written.');
        lines.splice(i, 1);
      }
      if (isSection(line)) visit(line.config);
    }
  };
  visit(config);
  return [...warnings];
}

function isMatch(line: Line): line is Match {
  return 'criteria' in line;
}

function isSection(line: Line): line is Section {
  return 'config' in line;
}

/**
 * A Host line's patterns as ssh reads them. ssh-config also splits a pattern at "=" (`Host
 * -oProxyCommand=sh` comes back as `-oProxyCommand` and `sh`); ssh does not, so glue those back:
 * otherwise a hostile line would yield a harmless-looking alias `sh`.
 */
function hostPatterns(line: Line): string[] {
  if (line.type !== LineType.DIRECTIVE) return [];
  if (typeof line.value === 'string') return [line.value];
  const patterns: string[] = [];
  for (const part of line.value) {
    if (part.separator === '=' && patterns.length > 0)
      patterns[patterns.length - 1] += `=${part.val}`;
    else patterns.push(part.val);
  }
  return patterns;
}

function values(line: Line): string[] {
  if (line.type !== LineType.DIRECTIVE) return [];
  return typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
