/**
 * Issue 16 item 6, tested without the Electron binary: permissions denied by default, the IPC
 * sender check never skipped, openExternal only to allow-listed pages, and the fuses the
 * packaging config flips (checked against electron-builder's own schema).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  APP_ENTRY_URL,
  denyPermissionsByDefault,
  mainWindowOptions,
  guardNavigation,
  isAllowedSender,
  isPermissionAllowed,
  isSafeExternalUrl,
} from './window-security';

const root = path.resolve(__dirname, '..');

describe('permissions: deny by default', () => {
  it('refuses camera, microphone, notifications, geolocation, devices and external protocols; allows only clipboard to the app', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'display-capture',
      'idle-detection',
      'unknown',
    ]) {
      expect(isPermissionAllowed(p, APP_ENTRY_URL, true), p).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write', APP_ENTRY_URL, true)).toBe(true);
    expect(isPermissionAllowed('clipboard-read', 'https://evil.example/', true)).toBe(false);
    expect(isPermissionAllowed('clipboard-read', APP_ENTRY_URL, false)).toBe(false); // a subframe
  });

  it('installs request, check and device handlers that answer no', () => {
    const handlers: Record<string, (...a: never[]) => unknown> = {};
    denyPermissionsByDefault({
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as never);
    const answers: boolean[] = [];
    (handlers.request as (...a: unknown[]) => void)(
      {},
      'media',
      (ok: boolean) => answers.push(ok),
      { requestingUrl: APP_ENTRY_URL, isMainFrame: true },
    );
    (handlers.request as (...a: unknown[]) => void)(
      {},
      'clipboard-sanitized-write',
      (ok: boolean) => answers.push(ok),
      { requestingUrl: 'https://evil.example/', isMainFrame: true },
    );
    expect(answers).toEqual([false, false]);
    expect(
      (handlers.check as (...a: unknown[]) => boolean)({}, 'geolocation', 'app://raydeck', {
        requestingUrl: APP_ENTRY_URL,
        isMainFrame: true,
      }),
    ).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);
  });
});

describe('window options', () => {
  it('turn off middle-click new windows (Electronegativity AUXCLICK)', () => {
    expect(mainWindowOptions('/p.cjs').webPreferences?.disableBlinkFeatures).toBe('Auxclick');
  });
});

describe('IPC sender check', () => {
  it('is never skipped: without a main window nobody may call the core', () => {
    expect(isAllowedSender({ url: APP_ENTRY_URL, parent: null }, null, 7)).toBe(false);
  });
});

describe('openExternal allow-list', () => {
  it('opens only https pages of Ray and vLLM docs and their projects', () => {
    for (const ok of [
      'https://docs.ray.io/en/latest/serve/index.html',
      'https://docs.vllm.ai/en/latest/',
      'https://github.com/ray-project/ray/issues/1',
    ]) {
      expect(isSafeExternalUrl(ok), ok).toBe(true);
    }
    for (const bad of [
      'http://docs.ray.io/',
      'https://evil.example/',
      'https://docs.ray.io.evil.example/',
      'https://user:pw@docs.ray.io/',
      'https://docs.ray.io:8443/',
      'https://github.com/evil/repo',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'ms-msdt:/id',
    ]) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });

  it("opens Raydeck's loopback proxy to a Ray dashboard with its key, and nothing else on loopback", () => {
    expect(
      isSafeExternalUrl('http://127.0.0.1:41234/?raydeck-key=AbCdEfGhIjKlMnOpQrStUvWxYz012345'),
    ).toBe(true);
    for (const bad of [
      'http://127.0.0.1:41234/',
      'http://127.0.0.1:41234/admin?raydeck-key=AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'http://localhost:41234/?raydeck-key=AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'http://127.0.0.1/?raydeck-key=AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'http://u:p@127.0.0.1:1/?raydeck-key=AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'http://127.0.0.1:41234/?raydeck-key=x&next=//evil',
    ]) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });

  it('a new-window request for another site opens nothing', () => {
    let open: ((d: { url: string }) => { action: string }) | null = null;
    const opened: string[] = [];
    guardNavigation(
      { on: () => undefined, setWindowOpenHandler: (fn: never) => (open = fn) } as never,
      (u) => opened.push(u),
    );
    expect(open!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(open!({ url: 'https://docs.ray.io/' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.ray.io/']);
  });
});

describe('fuses at packaging', () => {
  it('electron-builder.yml flips RunAsNode, NODE_OPTIONS and inspect off, cookie encryption, ASAR integrity and ASAR-only on', () => {
    const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
      asar?: boolean;
      electronFuses?: Record<string, boolean>;
    };
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // Every key is one electron-builder knows (a misspelt fuse would be silently ignored).
    const schema = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
    ) as { definitions: Record<string, { properties: Record<string, unknown> }> };
    const known = Object.keys(schema.definitions.FuseOptionsV1!.properties);
    for (const key of Object.keys(config.electronFuses!)) expect(known, key).toContain(key);
  });

  it('ships the node scripts and the app builder wheel beside app.asar, where the core looks for them', () => {
    const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
      extraResources?: { from: string; to: string; filter: string[] }[];
    };
    expect(config.extraResources?.map((r) => [r.from, r.to])).toEqual([
      ['remote/scripts', 'remote/scripts'],
      ['out/app-builder', 'app-builder'],
    ]);
    // The scripts folder holds what the filter keeps (the core runs only *.sh and *.py).
    const scripts = fs.readdirSync(path.join(root, 'remote/scripts'));
    expect(scripts.some((f) => f.endsWith('.sh'))).toBe(true);
    expect(scripts.some((f) => f.endsWith('.py'))).toBe(true);
    // `npm run package` builds the wheel into the folder the second entry copies.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.package).toMatch(/build_wheel\.py out\/app-builder && electron-builder/);
  });
});
