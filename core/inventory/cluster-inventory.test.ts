import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { ClusterInventory } from './cluster-inventory';
import { InventoryFile } from './inventory-file';

const newHome = useTempHomes();
const fileIn = () => path.join(newHome(), 'inventory.json');

describe('ClusterInventory', () => {
  it('persists clusters and reads them back in a new instance', async () => {
    const file = fileIn();
    const a = new ClusterInventory(new InventoryFile(file));
    const lab = await a.create('lab');
    await a.create('prod');
    await a.rename(lab.id, 'lab-2');
    const b = new ClusterInventory(new InventoryFile(file));
    expect((await b.list()).map((c) => c.name)).toEqual(['lab-2', 'prod']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses duplicate names case-insensitively, with the field named', async () => {
    const inv = new ClusterInventory(new InventoryFile(fileIn()));
    await inv.create('Lab');
    await expect(inv.create('lab')).rejects.toMatchObject({
      code: 'conflict',
      issues: [{ path: 'name' }],
    });
  });

  it('serializes concurrent writes so none is lost', async () => {
    const file = fileIn();
    const inv = new ClusterInventory(new InventoryFile(file));
    await Promise.all(Array.from({ length: 20 }, (_, i) => inv.create(`c${i}`)));
    expect(await new ClusterInventory(new InventoryFile(file)).list()).toHaveLength(20);
  });

  it('never overwrites a broken inventory file with defaults', async () => {
    const file = fileIn();
    fs.writeFileSync(file, '{ not json');
    const inv = new ClusterInventory(new InventoryFile(file));
    await expect(inv.create('x')).rejects.toThrow(/not valid JSON/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });

  it('not_found for unknown ids', async () => {
    const inv = new ClusterInventory(new InventoryFile(fileIn()));
    await expect(inv.remove('nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});
