// A stand-in for the `electron` module that records what the built main process and preload ask
// of Electron, so their real build output can run (and be probed) where the binary cannot.
import { EventEmitter } from 'node:events';

const rec = {
  windows: [], loads: [], schemes: [], protocolHandlers: {}, ipc: {}, opened: [], errors: [],
  permissionRequest: null, permissionCheck: null, deviceCheck: null, beforeRequest: null,
  sandboxEnabled: false, userData: null, badge: [], menu: null, exposed: {}, exitCode: null,
  webContentsCreated: 0,
};
globalThis.__electronStub = rec;

class AppStub extends EventEmitter {
  isPackaged = false;
  setPath(name, value) { if (name === 'userData') rec.userData = value; }
  getPath() { return rec.userData ?? '/tmp'; }
  requestSingleInstanceLock() { return true; }
  whenReady() { return Promise.resolve(); }
  enableSandbox() { rec.sandboxEnabled = true; }
  quit() { rec.quit = true; }
  exit(code) { rec.exitCode = code; }
  setBadgeCount(n) { rec.badge.push(n); return true; }
  showAboutPanel() {}
  getName() { return 'Tidings'; }
  getVersion() { return '0.0.0'; }
}
export const app = new AppStub();

let frameIds = 1;
function makeFrame(url, parent) {
  return { url, parent, frames: [], frameTreeNodeId: frameIds++ };
}

class WebContentsStub extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = makeFrame('app://tidings/index.html', null);
    this.sent = [];
  }
  setWindowOpenHandler(fn) { this.windowOpenHandler = fn; }
  send(channel, payload) { this.sent.push([channel, payload]); }
  isDestroyed() { return false; }
  openDevTools() { rec.devTools = true; }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContentsStub();
    rec.windows.push(this);
    rec.webContentsCreated++;
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) { rec.loads.push(url); return Promise.resolve(); }
  loadFile(file) { rec.loads.push(`loadFile:${file}`); return Promise.resolve(); }
  show() {}
  isMinimized() { return false; }
  restore() {}
  focus() {}
}

export const protocol = {
  registerSchemesAsPrivileged(schemes) { rec.schemes.push(...schemes); },
  handle(scheme, fn) { rec.protocolHandlers[scheme] = fn; },
  registerFileProtocol() { rec.legacyProtocol = true; },
};

const sessionEvents = new EventEmitter();
export const session = {
  defaultSession: {
    setPermissionRequestHandler(fn) { rec.permissionRequest = fn; },
    setPermissionCheckHandler(fn) { rec.permissionCheck = fn; },
    setDevicePermissionHandler(fn) { rec.deviceCheck = fn; },
    on: (e, fn) => sessionEvents.on(e, fn),
    webRequest: { onBeforeRequest(fn) { rec.beforeRequest = fn; } },
  },
};
rec.sessionEvents = sessionEvents;

export const ipcMain = {
  handle(channel, fn) { rec.ipc[channel] = fn; },
  removeHandler(channel) { delete rec.ipc[channel]; },
  on() {},
};

export const shell = {
  openExternal(url) { rec.opened.push(url); return Promise.resolve(); },
  openPath() { return Promise.resolve(''); },
};

export const dialog = {
  showErrorBox(title, text) { rec.errors.push(`${title}: ${text}`); },
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showMessageBox: async () => ({ response: 0 }),
};

export const Menu = {
  buildFromTemplate(template) { return { template }; },
  setApplicationMenu(menu) { rec.menu = menu; },
};

// Preload side.
const rendererEvents = new EventEmitter();
export const ipcRenderer = {
  invocations: [],
  invoke(channel, ...args) { ipcRenderer.invocations.push([channel, ...args]); return Promise.resolve({ ok: true, value: null }); },
  on(channel, fn) { rendererEvents.on(channel, fn); },
  removeListener(channel, fn) { rendererEvents.removeListener(channel, fn); },
  emit(channel, payload) { rendererEvents.emit(channel, { sender: 'secret-event-object', ports: [] }, payload); },
  listenerCount: (channel) => rendererEvents.listenerCount(channel),
};
export const contextBridge = {
  exposeInMainWorld(key, value) { rec.exposed[key] = value; },
};

export default { app, BrowserWindow, protocol, session, ipcMain, shell, dialog, Menu, ipcRenderer, contextBridge };
