/**
 * Package index URLs (bring-up's "custom index" source), checked at the contract's edge so the
 * core refuses a bad one with a message that says what is wrong, instead of the node's script
 * refusing it later (issue 16). Also: redaction of `user:password@` credentials, which private
 * indexes need but which must never be shown, stored or put on a node's command line.
 * Pure: no URL parsing of Node or the DOM is trusted to reject (WHATWG's parser silently drops
 * tabs and newlines), so the characters are checked first.
 */

/** RFC 3986 characters (unreserved, reserved, `%`); nothing else may appear in an index URL. */
const URL_CHARS = /^[A-Za-z0-9._~:/?#@!$&'()*+,;=%[\]-]+$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

export const MAX_INDEX_URL = 2048;

export interface IndexUrlParts {
  scheme: 'http' | 'https';
  /** user:password (still percent-encoded), or null. */
  userinfo: string | null;
  /** As written: a DNS name, IPv4, or [IPv6]. */
  host: string;
  port: number | null;
  /** Path, query (everything after the authority). */
  rest: string;
}

/** Splits an index URL, or says in one phrase what is wrong with it (the field's message). */
export function parseIndexUrl(
  url: string,
): { ok: true; parts: IndexUrlParts } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem });
  if (url.length === 0) return bad('is required');
  if (url.length > MAX_INDEX_URL) return bad(`must be at most ${MAX_INDEX_URL} characters`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http')
    return bad('must start with https:// (or http:// for a mirror on a network you trust)');

  if (/[\s\u0000-\u001f\u007f]/.test(url))
    return bad('must not contain spaces, tabs, line breaks or control characters');
  if (!URL_CHARS.test(url))
    return bad(
      'may contain only URL characters (percent-encode anything else; use the punycode form of a non-ASCII host)',
    );
  if (/%(?![0-9A-Fa-f]{2})/.test(url))
    return bad('has a "%" that is not followed by two hex digits');
  if (url.includes('#')) return bad('must not have a #fragment');
  const afterScheme = url.slice(scheme.length + 3);
  const authEnd = afterScheme.search(/[/?]/);
  const authority = authEnd === -1 ? afterScheme : afterScheme.slice(0, authEnd);
  const rest = authEnd === -1 ? '' : afterScheme.slice(authEnd);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? null : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  if (userinfo !== null && (userinfo.length === 0 || userinfo.startsWith(':')))
    return bad('has credentials without a user name before "@"');
  if (userinfo?.includes('@'))
    return bad('has an unencoded "@" in its credentials (write it as %40)');
  let host = hostPort;
  let portText: string | null = null;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return bad('has an IPv6 host without its closing "]"');
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':'))
      return bad('must have only a port after the IPv6 host');
    if (after) portText = after.slice(1);
    if (!IPV6.test(host) || !host.includes(':'))
      return bad('must have a valid IPv6 address between [ and ]');
  } else {
    const colon = hostPort.indexOf(':');
    if (colon !== -1) {
      host = hostPort.slice(0, colon);
      portText = hostPort.slice(colon + 1);
    }
    if (host.length === 0) return bad('must name a host, e.g. https://mirror.example/simple');
    if (!HOST_NAME.test(host))
      return bad(
        'must have a host name or IP address after the scheme (letters, digits, "-" and ".")',
      );
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText))
      return bad('must have a port (1-65535) after the host, if any');
    port = Number(portText);
  }
  if (port !== null && (port < 1 || port > 65535)) return bad('must have a port from 1 to 65535');
  if (/[[\]]/.test(rest)) return bad('may use "[" and "]" only around an IPv6 host');
  return { ok: true, parts: { scheme, userinfo, host, port, rest } };
}

/** Null when the URL is fine as a package index, else the problem (for a zod refinement). */
export function indexUrlProblem(url: string): string | null {
  const r = parseIndexUrl(url);
  return r.ok ? null : r.problem;
}

/** True for a plain-HTTP index: pip trusts it explicitly, and anyone on the path can change packages. */
export function isPlainHttpIndex(url: string): boolean {
  return /^http:\/\//i.test(url);
}

/** The URL with its password (or a lone credential) replaced by `****`; unchanged when it has none. */
export function redactIndexUrl(url: string): string {
  const r = parseIndexUrl(url);
  if (r.ok) {
    if (r.parts.userinfo === null) return url;
    const colon = r.parts.userinfo.indexOf(':');
    const user = colon === -1 ? '****' : `${r.parts.userinfo.slice(0, colon)}:****`;
    const port = r.parts.port === null ? '' : `:${r.parts.port}`;
    return `${r.parts.scheme}://${user}@${r.parts.host}${port}${r.parts.rest}`;
  }
  // Not a valid URL (shown in an error, say): blank out anything between :// and the last @.
  return url.replace(/(\/\/)[^/?#\s]*@/g, '$1****@');
}

/** Every `scheme://user:pass@` credential in free text (a log line, a hint) replaced by `****`. */
export function redactCredentialsInText(text: string): string {
  return text.replace(
    /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\s@]+)@/g,
    (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme}${colon === -1 ? '****' : `${userinfo.slice(0, colon)}:****`}@`;
    },
  );
}

/** Whether the URL carries credentials (they are then kept out of records and command lines). */
export function indexUrlHasCredentials(url: string): boolean {
  const r = parseIndexUrl(url);
  return r.ok && r.parts.userinfo !== null;
}
