import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { PlainFileVault, SecretStore } from './secret-store';

const newHome = useTempHomes();
const vaultPath = () => path.join(newHome(), 'secrets.json');

describe('SecretStore', () => {
  it('keeps a secret in memory only unless asked to remember it', async () => {
    const file = vaultPath();
    const store = new SecretStore(new PlainFileVault(file));
    await store.set('n1', 'hunter2', false);
    expect(await store.get('n1')).toBe('hunter2');
    expect(fs.existsSync(file)).toBe(false);
    expect(await new SecretStore(new PlainFileVault(file)).get('n1')).toBeUndefined();
  });

  it('remembers on request in a 0600 file, and forgets on delete', async () => {
    const file = vaultPath();
    const store = new SecretStore(new PlainFileVault(file));
    await store.set('n1', 'pass phrase', true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = new SecretStore(new PlainFileVault(file));
    expect(await again.get('n1')).toBe('pass phrase');
    await again.delete('n1');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a later "do not remember" removes the remembered copy', async () => {
    const file = vaultPath();
    const store = new SecretStore(new PlainFileVault(file));
    await store.set('n1', 'a', true);
    await store.set('n1', 'b', false);
    expect(await new SecretStore(new PlainFileVault(file)).get('n1')).toBeUndefined();
    expect(await store.get('n1')).toBe('b');
  });
});
