/** A YAML alias bomb in a Serve config is a diagnostic, never an exception (issue 16 hostile suite). */
import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-source';

describe('parseYaml and alias bombs', () => {
  it('reports too many aliases as a YAML diagnostic', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const r = parseYaml(lines.join('\n'));
    expect(r.value).toBeNull();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'yaml-syntax',
        message: expect.stringMatching(/alias/i),
      }),
    ]);
  });
});
