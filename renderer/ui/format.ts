/**
 * Dates and times in the user's own locale (the browser's language list, which Electron and
 * Chromium take from the OS), never a fixed US format; one place so every page agrees.
 */

function locales(): readonly string[] | undefined {
  return typeof navigator !== 'undefined' && navigator.languages?.length
    ? navigator.languages
    : undefined;
}

/** "6 Dec 2026, 14:05" in en-GB, "06.12.2026, 14:05" in de-DE. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locales(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** "14:05:09" in de-DE, "2:05:09 PM" in en-US. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(locales());
}

/** "2,000" in en-US, "2.000" in de-DE. */
export function formatNumber(n: number): string {
  return n.toLocaleString(locales());
}
