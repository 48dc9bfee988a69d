/**
 * Runs many `raydeck` command lines in one process (each through the CLI's own `main`, as the
 * binary does) and prints their exit codes and output as JSON: the hostile-input suite's CLI half
 * without a Node start per input. Input: a JSON array of argv arrays on stdin.
 */
import { main } from '../../core/cli/main';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const argvs = JSON.parse(Buffer.concat(chunks).toString('utf8')) as string[][];
const results: { argv: string[]; code: number; out: string[]; err: string[] }[] = [];
for (const argv of argvs) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    stopped: new Promise(() => {}),
  });
  results.push({ argv, code, out, err });
}
process.stdout.write(JSON.stringify(results));
