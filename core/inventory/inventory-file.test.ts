/** Two inventories on one file (as the app and a CLI command are): no lost change, outside writes seen. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { ClusterInventory } from './cluster-inventory';
import { InventoryFile } from './inventory-file';

const newHome = useTempHomes();
const fileIn = () => path.join(newHome(), 'inventory.json');

describe('InventoryFile shared by two processes', () => {
  it('a long-lived instance does not write its stale copy over another writer (issue 20 item 1)', async () => {
    const file = fileIn();
    const app = new ClusterInventory(new InventoryFile(file));
    const cli = new ClusterInventory(new InventoryFile(file));
    await app.list(); // the app has read the (empty) inventory and keeps running
    await cli.create('cli1');
    expect((await app.list()).map((c) => c.name)).toEqual(['cli1']);
    await app.create('ui1');
    const created = await cli.create('cli2');
    await app.rename(created.id, 'cli2-renamed');
    expect(
      (await new ClusterInventory(new InventoryFile(file)).list()).map((c) => c.name).sort(),
    ).toEqual(['cli1', 'cli2-renamed', 'ui1']);
  });

  it('interleaved writers lose nothing: 2 instances x 30 creates', async () => {
    const file = fileIn();
    const a = new ClusterInventory(new InventoryFile(file));
    const b = new ClusterInventory(new InventoryFile(file));
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => [a.create(`a${i}`), b.create(`b${i}`)]).flat(),
    );
    expect(await new ClusterInventory(new InventoryFile(file)).list()).toHaveLength(60);
  });

  it('watch() tells listeners about a write by another instance, once', async () => {
    const file = fileIn();
    const appStore = new InventoryFile(file);
    const seen: string[][] = [];
    new ClusterInventory(appStore, (clusters) => seen.push(clusters.map((c) => c.name)));
    await appStore.read();
    appStore.watch();
    try {
      await new ClusterInventory(new InventoryFile(file)).create('from-cli');
      for (let i = 0; i < 100 && seen.length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([['from-cli']]);
      // Its own writes are told once, not again by the watcher.
      await new ClusterInventory(appStore).create('from-app');
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([['from-cli'], ['from-cli', 'from-app']]);
    } finally {
      appStore.unwatch();
    }
  });

  it("a read that finds another process's change tells the listeners (it cannot swallow what the watcher would say)", async () => {
    const file = fileIn();
    const appStore = new InventoryFile(file);
    const seen: string[][] = [];
    const app = new ClusterInventory(appStore, (clusters) =>
      seen.push(clusters.map((c) => c.name)),
    );
    await app.list();
    await new ClusterInventory(new InventoryFile(file)).create('from-cli');
    expect((await app.list()).map((c) => c.name)).toEqual(['from-cli']); // a list before any watcher ran
    expect(seen).toEqual([['from-cli']]);
    await appStore.refresh();
    expect(seen).toEqual([['from-cli']]); // told once
  });

  it('a broken file written by someone else is reported, not overwritten', async () => {
    const file = fileIn();
    const inv = new ClusterInventory(new InventoryFile(file));
    await inv.create('lab');
    fs.writeFileSync(file, '{ not json');
    await expect(inv.create('x')).rejects.toThrow(/not valid JSON/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
