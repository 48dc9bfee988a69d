import { describe, expect, it } from 'vitest';
import { resultLine } from './result-line';

describe('resultLine', () => {
  it('reads the JSON object on the last line, after any log lines', () => {
    expect(resultLine('job.py', 'pip says hi\n{"state":"done"}\n\n')).toEqual({ state: 'done' });
  });
  it('names the script and shows what it printed instead', () => {
    expect(() => resultLine('model-files.sh', 'Traceback\nboom')).toThrow(
      'model-files.sh ended without its result line (boom)',
    );
    expect(() => resultLine('job.py', '  ')).toThrow(
      'job.py ended without its result line (no output)',
    );
  });
});
