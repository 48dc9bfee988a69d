/**
 * Lines from the nodes can be megabytes long (Ray prints whole JSON blobs on one line). Every
 * place that keeps or shows a remote line cuts it here, saying how much was left out.
 */

/** Most characters of one remote line kept in logs and records. */
export const MAX_LOG_LINE = 4000;

/** `line` cut to `max` characters, ending with how many were left out. */
export function capLine(line: string, max: number = MAX_LOG_LINE): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)}… (${line.length - max} more characters)`;
}
