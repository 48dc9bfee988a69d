/**
 * The Electron main process: a thin shell. It starts the core in-process, serves the built
 * renderer from the privileged `app://raydeck` scheme with a CSP, opens one locked-down window
 * and binds the core to IPC. No feature logic lives here.
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { contentSecurityPolicy } from '../shared';
import { createCore } from '../core/api/create-core';
import { resolveRaydeckHome, statePaths } from '../core/paths';
import { SafeStorageVault } from './safe-storage-vault';
import { readStatic } from '../core/server/static-files';
import { keepServingOnErrors } from '../core/server/process-guard';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  denyPermissionsByDefault,
  guardNavigation,
  isAllowedSender,
  isSafeExternalUrl,
  mainWindowOptions,
} from './window-security';
import { bindCoreToIpc } from './ipc-binding';

// Electron's own dev-time security warnings are on; the policy below is what silences them.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const rendererDir = path.join(__dirname, '..', '..', 'dist', 'renderer');
let mainWindow: BrowserWindow | null = null;

async function serveApp(request: Request): Promise<Response> {
  const file = await readStatic(rendererDir, new URL(request.url).pathname);
  if (!file) return new Response('Not found', { status: 404 });
  return new Response(new Uint8Array(file.body), {
    headers: {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

async function start() {
  // A bug in one request never takes the app down: logged, and the core keeps serving (issue 16).
  keepServingOnErrors((line) => console.error(line));
  await app.whenReady();
  denyPermissionsByDefault(session.defaultSession);
  protocol.handle(APP_SCHEME, serveApp);
  const home = resolveRaydeckHome();
  const core = createCore({
    home,
    mode: 'electron',
    secretVault: new SafeStorageVault(`${statePaths(home).secrets}.enc`, safeStorage),
  });
  bindCoreToIpc(ipcMain, core.service, (event) =>
    isAllowedSender(event.senderFrame, mainWindow?.webContents.id ?? null, event.sender.id),
  );
  app.on('web-contents-created', (_e, contents) =>
    guardNavigation(contents, (url) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url); // checked here too: the one door to the OS
    }),
  );

  mainWindow = new BrowserWindow(mainWindowOptions(path.join(__dirname, 'preload.cjs')));
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  await mainWindow.loadURL(APP_ENTRY_URL);

  app.on('window-all-closed', () => {
    core.dispose();
    app.quit();
  });
}

void start();
