// The Electron shell (DESIGN §1): window, menus, security, IPC and the app:// protocol. Thin on
// purpose: the reader itself is src-main/core, shared with the CLI and `tidings serve`.
import { join } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { openReader } from '../core/service';
import { resolveDataDir } from '../core/paths';
import type { Reader } from '../core/reader';
import { trackUnreadBadge } from './badge';
import { forwardEvents, registerIpc } from './ipc';
import { buildMenu } from './menu';
import { trustedOrigins } from './policy';
import { registerAppScheme, serveAppProtocol } from './protocol';
import { installGlobalGuards } from './security';
import { createMainWindow } from './window';

// electron-vite sets this in development only; a packaged app never reads a dev server.
const devUrl = (!app.isPackaged && process.env.ELECTRON_RENDERER_URL) || undefined;
const trusted = trustedOrigins(devUrl);
const dataDir = resolveDataDir(process.argv, process.env);
app.setPath('userData', dataDir);
// Chromium's own caches and storage go to a subfolder, apart from the library's files.
app.setPath('sessionData', join(dataDir, 'chromium'));
registerAppScheme();

let win: BrowserWindow | undefined;
let reader: Reader | undefined;

async function start(): Promise<void> {
  installGlobalGuards(trusted);
  serveAppProtocol({ renderer: join(__dirname, '../renderer'), media: join(dataDir, 'media') });
  try {
    reader = await openReader({ dataDir, background: true });
  } catch (err) {
    dialog.showErrorBox('Tidings cannot open its library', `${dataDir}\n\n${err instanceof Error ? err.message : String(err)}`);
    app.exit(1);
    return;
  }
  registerIpc(reader, trusted);
  forwardEvents(reader, () => win?.webContents);
  trackUnreadBadge(reader);
  buildMenu(reader, () => win, !!devUrl);
  openWindow();
}

function openWindow(): void {
  win = createMainWindow(join(__dirname, '../preload/index.cjs'), devUrl);
  win.on('closed', () => {
    win = undefined;
  });
}

// One process per library: the core's lock would refuse a second one anyway, so focus the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('activate', () => {
    if (!win && reader) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    if (!reader || closing) return;
    // Flush pending writes before the process ends: no data loss on quit.
    event.preventDefault();
    closing = true;
    reader
      .close()
      .catch((err: unknown) => console.error(`app: closing the library: ${String(err)}`))
      .finally(() => app.quit());
  });
  app.whenReady().then(start, (err: unknown) => {
    console.error(`app: ${String(err)}`);
    app.exit(1);
  });
}
