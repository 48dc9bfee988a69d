/** The Electron shell's security settings, tested without the Electron binary. */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../shared';
import {
  APP_ENTRY_URL,
  guardNavigation,
  isAllowedSender,
  isAppUrl,
  mainWindowOptions,
} from './window-security';

describe('main window options', () => {
  it('isolates the renderer: contextIsolation, sandbox, no Node, no webview', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('CSP', () => {
  it('allows scripts only from the app and forbids framing, plugins and base changes', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy(['ws://127.0.0.1:5000'])).toContain(
      "connect-src 'self' ws://127.0.0.1:5000",
    );
  });
});

describe('app URLs and the IPC sender check', () => {
  it('only app://raydeck pages are the app', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://raydeck/index.html#/nodes')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'https://raydeck',
      'app://evil/index.html',
      'not a url',
      'app://raydeck.evil/',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('accepts only the top frame of our window showing an app page', () => {
    const top = { url: APP_ENTRY_URL, parent: null };
    expect(isAllowedSender(top, 1, 1)).toBe(true);
    expect(isAllowedSender(top, 1, 2)).toBe(false); // another window
    expect(isAllowedSender({ url: APP_ENTRY_URL, parent: {} }, 1, 1)).toBe(false); // subframe
    expect(isAllowedSender({ url: 'https://evil.example/', parent: null }, 1, 1)).toBe(false); // navigated away
    expect(isAllowedSender(null, 1, 1)).toBe(false);
  });
});

describe('navigation guard', () => {
  function fakeContents() {
    const handlers = new Map<
      string,
      (event: { preventDefault(): void; defaultPrevented?: boolean }, url: string) => void
    >();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = {
      on: (name: string, fn: never) => {
        handlers.set(name, fn);
        return contents;
      },
      setWindowOpenHandler: (fn: never) => {
        openHandler = fn;
      },
    };
    const fire = (name: string, url: string) => {
      let prevented = false;
      handlers.get(name)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    return { contents, fire, open: (url: string) => openHandler!({ url }) };
  }

  it('denies navigation and redirects away from the app, allows in-app navigation', () => {
    const f = fakeContents();
    guardNavigation(f.contents as never, () => {});
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-redirect', 'http://127.0.0.1:8265/')).toBe(true);
    expect(f.fire('will-navigate', 'app://raydeck/index.html#/serve')).toBe(false);
    expect(f.fire('will-attach-webview', '')).toBe(true);
  });

  it('denies every new window; http(s) links go to the system browser, others nowhere', () => {
    const f = fakeContents();
    const opened: string[] = [];
    guardNavigation(f.contents as never, (url) => opened.push(url));
    expect(f.open('https://docs.ray.io/')).toEqual({ action: 'deny' });
    expect(f.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.ray.io/']);
  });
});
