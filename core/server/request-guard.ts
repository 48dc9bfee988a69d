/**
 * Who may talk to the browser-mode server. It listens on 127.0.0.1 only, and on top of that:
 * - Host must be 127.0.0.1:<port> or localhost:<port> (a DNS-rebinding page arrives with its own
 *   host name and is refused);
 * - an Origin, when sent, must be that same origin (browsers always send it on WebSockets);
 * - the API (the WebSocket) needs the per-launch token itself: `?token=` or a Bearer header. The
 *   page keeps it in its own tab (sessionStorage is per origin, port included), never in a cookie:
 *   browsers send cookies to every port of 127.0.0.1, so a cookie reaches every other local server
 *   the browser visits (issue 16);
 * - the page's own files (HTML, assets) may also be fetched with a page cookie, whose value is a
 *   second random secret that opens nothing else.
 * Comparisons are constant-time. Nothing here throws on hostile input: a header or path that does
 * not parse is a refusal, never an exception (one bad cookie of another app used to kill the
 * server).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How a request proved itself: with the token (query or header) or only with the page cookie. */
export type GuardVerdict =
  | { ok: true; via: 'query' | 'bearer' | 'page-cookie'; url: URL }
  | { ok: false; status: 400 | 401 | 403; reason: string };

export function pageCookieName(port: number): string {
  return `raydeck-page-${port}`;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

export function sameToken(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookie header -> map; a value that is not valid percent-encoding is kept as it came. */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // Another app's cookie on 127.0.0.1 may hold anything; it is not ours, so it does not matter.
    }
    out.set(part.slice(0, eq).trim(), value);
  }
  return out;
}

/** The request target as a URL on this server, or null when it is not one (e.g. `//[`). */
export function requestUrl(rawUrl: string | undefined, port: number): URL | null {
  const target = rawUrl ?? '/';
  // Only origin-form targets ("/path?query"); "//host/..." would be read as another host.
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

export interface Secrets {
  /** Opens everything: the API and the page. */
  token: string;
  /** The page cookie's value: opens the page's files only. */
  pageSecret: string;
}

/**
 * What a request without the token reads. Browser mode is started by `npm start` and by
 * `raydeck ui` (and by tests): name neither, name what the user has — the printed address.
 */
export const NO_TOKEN =
  'Missing or wrong token: open the address Raydeck printed when it started (the one ending in ?token=...), or start it again to get a new one.';

export function checkRequest(
  req: Pick<IncomingMessage, 'headers' | 'url'>,
  port: number,
  secrets: Secrets,
): GuardVerdict {
  const host = typeof req.headers.host === 'string' ? req.headers.host.toLowerCase() : undefined;
  if (!host || !allowedHosts(port).includes(host)) {
    return {
      ok: false,
      status: 403,
      reason: 'Host not allowed (Raydeck answers only on 127.0.0.1 and localhost).',
    };
  }
  const origin = req.headers.origin;
  if (
    origin !== undefined &&
    (typeof origin !== 'string' || !allowedOrigins(port).includes(origin.toLowerCase()))
  ) {
    return { ok: false, status: 403, reason: 'Cross-origin request refused.' };
  }
  const url = requestUrl(req.url, port);
  if (!url) return { ok: false, status: 400, reason: 'Bad request path.' };
  if (sameToken(secrets.token, url.searchParams.get('token')))
    return { ok: true, via: 'query', url };
  const auth = req.headers.authorization;
  if (
    typeof auth === 'string' &&
    auth.startsWith('Bearer ') &&
    sameToken(secrets.token, auth.slice(7).trim())
  )
    return { ok: true, via: 'bearer', url };
  if (sameToken(secrets.pageSecret, parseCookies(req.headers.cookie).get(pageCookieName(port))))
    return { ok: true, via: 'page-cookie', url };
  return { ok: false, status: 401, reason: NO_TOKEN };
}
