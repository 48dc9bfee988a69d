/**
 * The last line of a remote script's stdout as JSON: Raydeck's scripts (the job runner,
 * model-files.sh, ...) print their result as one JSON object on their last line, after any log.
 * A missing or broken line is an Error that names the script and shows what it printed instead.
 */
export function resultLine(script: string, stdout: string): unknown {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(
      `${script} ended without its result line (${last.slice(0, 200) || 'no output'})`,
    );
  }
}
