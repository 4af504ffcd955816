// The main window: locked-down webPreferences, the renderer from app:// (or the dev server).
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './policy';

/** createMainWindow: the reader window; loads devUrl when given (electron-vite dev), else app://tidings/. */
export function createMainWindow(preload: string, devUrl: string | undefined): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: 'Tidings',
    // Written out literally (not built by a helper) so electronegativity and tests/unit/static can read it.
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Middle-click would open links in a new Electron window instead of going through the open handler.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}
