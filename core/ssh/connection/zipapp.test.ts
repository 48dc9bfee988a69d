/**
 * The deterministic zip behind package-folder scripts: Python's own zipfile reads back every
 * entry with its bytes and CRC, the entries come sorted with the fixed 1980-01-01 timestamp
 * whatever order they were given in, and names that are not plain files are refused.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { deterministicZip } from './zipapp';

const READ_BACK = `
import io, json, sys, zipfile
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert z.testzip() is None
print(json.dumps([[i.filename, i.date_time, i.compress_type, z.read(i).decode()] for i in z.infolist()]))
`;

describe('deterministicZip', () => {
  it('writes a zip that Python reads back: sorted, stored, fixed timestamps', () => {
    const zip = deterministicZip([
      { name: 'b.py', content: Buffer.from('print("b")\n') },
      { name: '__main__.py', content: Buffer.from('import b\n') },
      { name: 'empty.py', content: Buffer.alloc(0) },
    ]);
    const r = spawnSync('python3', ['-c', READ_BACK], { input: zip, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      ['__main__.py', [1980, 1, 1, 0, 0, 0], 0, 'import b\n'],
      ['b.py', [1980, 1, 1, 0, 0, 0], 0, 'print("b")\n'],
      ['empty.py', [1980, 1, 1, 0, 0, 0], 0, ''],
    ]);
    const again = deterministicZip([
      { name: 'empty.py', content: Buffer.alloc(0) },
      { name: '__main__.py', content: Buffer.from('import b\n') },
      { name: 'b.py', content: Buffer.from('print("b")\n') },
    ]);
    expect(again.equals(zip)).toBe(true);
  });

  it('refuses folders, odd names and a name twice', () => {
    const one = Buffer.from('x');
    expect(() => deterministicZip([{ name: 'sub/a.py', content: one }])).toThrow(/plain file name/);
    expect(() => deterministicZip([{ name: 'ä.py', content: one }])).toThrow(/plain file name/);
    expect(() =>
      deterministicZip([
        { name: 'a.py', content: one },
        { name: 'a.py', content: one },
      ]),
    ).toThrow(/"a.py" twice/);
  });
});
