/** A local model folder as Raydeck sends it: relative paths, sha256 each, hidden entries left out, config.json required. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { localModelFiles } from './model-placement';

const newDir = useTempHomes();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('localModelFiles', () => {
  it('lists nested files with their size and sha256, sorted; skips .git and .cache', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    fs.mkdirSync(path.join(dir, '1_Pooling'));
    fs.writeFileSync(path.join(dir, '1_Pooling', 'config.json'), 'pool');
    fs.mkdirSync(path.join(dir, '.cache', 'huggingface'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.cache', 'huggingface', 'lock'), 'x');
    fs.writeFileSync(path.join(dir, '.gitattributes'), 'x');
    const files = await localModelFiles(dir);
    expect(files.map(({ path: p, size, sha256 }) => ({ p, size, sha256 }))).toEqual([
      { p: '1_Pooling/config.json', size: 4, sha256: sha('pool') },
      { p: 'config.json', size: 2, sha256: sha('{}') },
    ]);
  });

  it('refuses a folder without config.json and a missing folder, naming source.dir', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'weights.bin'), 'x');
    await expect(localModelFiles(dir)).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: 'source.dir', message: 'has no config.json' }],
    });
    await expect(localModelFiles(path.join(dir, 'nope'))).rejects.toMatchObject({
      issues: [{ path: 'source.dir', message: 'does not exist' }],
    });
  });
});
