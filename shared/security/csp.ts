/**
 * The Content-Security-Policy of the UI, one definition for both shells: the Electron window
 * and the browser-mode server. Scripts only from the app itself, no eval, no plugins, no framing.
 * Inline styles are allowed because React and recharts set `style` attributes.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${connectSrc.length ? ` ${connectSrc.join(' ')}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
