/**
 * Who may talk to the browser-mode server. It listens on 127.0.0.1 only, and on top of that:
 * - Host must be 127.0.0.1:<port> or localhost:<port> (a DNS-rebinding page arrives with its own
 *   host name and is refused);
 * - an Origin, when sent, must be that same origin (browsers always send it on WebSockets);
 * - every request carries the per-launch token: cookie (set once from `/?token=`), a Bearer
 *   header, or `?token=`. Comparison is constant-time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type GuardVerdict = { ok: true; tokenFromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export function tokenCookieName(port: number): string {
  return `raydeck-token-${port}`;
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

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

export function checkRequest(req: Pick<IncomingMessage, 'headers' | 'url'>, port: number, token: string): GuardVerdict {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowedHosts(port).includes(host)) {
    return { ok: false, status: 403, reason: 'Host not allowed (Raydeck answers only on 127.0.0.1 and localhost).' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: 'Cross-origin request refused.' };
  }
  const url = new URL(req.url ?? '/', `http://${host}`);
  const fromQuery = url.searchParams.get('token');
  if (sameToken(token, fromQuery)) return { ok: true, tokenFromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameToken(token, auth.slice(7).trim())) return { ok: true, tokenFromQuery: false };
  if (sameToken(token, parseCookies(req.headers.cookie).get(tokenCookieName(port)))) return { ok: true, tokenFromQuery: false };
  return { ok: false, status: 401, reason: 'Missing or wrong token: open the URL that `raydeck ui` printed.' };
}
