/** Findings to editor ranges: the right line, the key's word, clamped when a line is gone. */
import { describe, expect, it } from 'vitest';
import { Text } from '@codemirror/state';
import { diagnosticText, toEditorDiagnostics } from './yaml-diagnostics';
import { minimalChange } from './YamlEditor';

const doc = Text.of([
  'applications:',
  '- name: a',
  '  deployments:',
  '  - name: D',
  '    num_replica: 2',
]);
const base = { severity: 'error' as const, code: 'unknown-key', path: [], message: 'unknown key' };

describe('toEditorDiagnostics', () => {
  it('underlines the key at the line and column given', () => {
    const [d] = toEditorDiagnostics(doc, [{ ...base, line: 5, column: 5 }]);
    expect(doc.sliceString(d!.from, d!.to)).toBe('num_replica');
    expect(doc.lineAt(d!.from).number).toBe(5);
  });
  it('a finding without a column marks the line from its start; a line past the end is clamped', () => {
    const [d] = toEditorDiagnostics(doc, [{ ...base, line: 2 }]);
    expect(doc.sliceString(d!.from, d!.to)).toBe('-');
    const [e] = toEditorDiagnostics(doc, [{ ...base, line: 99, column: 3 }]);
    expect(doc.lineAt(e!.from).number).toBe(5);
  });
  it('names the suggestion unless the fix already does', () => {
    expect(diagnosticText({ ...base, suggestion: 'num_replicas' })).toBe(
      'unknown key Did you mean `num_replicas`?',
    );
    expect(diagnosticText({ ...base, fix: 'write num_replicas', suggestion: 'num_replicas' })).toBe(
      'unknown key — write num_replicas',
    );
  });
});

describe('minimalChange', () => {
  it('replaces only the differing middle', () => {
    expect(minimalChange('a: 1\nb: 2\n', 'a: 1\nb: 3\n')).toEqual({ from: 8, to: 9, insert: '3' });
    expect(minimalChange('same', 'same')).toBeNull();
    expect(minimalChange('ab', 'aXb')).toEqual({ from: 1, to: 1, insert: 'X' });
  });
});
