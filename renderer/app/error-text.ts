/** Turns anything thrown by a call into text fit for the UI: the typed message, never a stack. */
import { RaydeckError, type FieldIssue } from '../../shared';

export function errorText(err: unknown): string {
  if (err instanceof RaydeckError) return err.message;
  return 'Something went wrong talking to the Raydeck core. Try again; if it persists, restart Raydeck.';
}

export function fieldIssues(err: unknown, field: string): string[] {
  if (!(err instanceof RaydeckError) || !err.issues) return [];
  return err.issues.filter((i: FieldIssue) => i.path === field).map((i) => i.message);
}
