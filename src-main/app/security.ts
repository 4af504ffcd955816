// The Electron security checklist (electronjs.org/docs/latest/tutorial/security), applied to every
// webContents the app ever creates. tests/static checks the built output still says all of this.
import { app, session, shell, type Session, type WebContents, type WebFrameMain } from 'electron';
import { isPrivateHost } from '../core/sanitizer';
import { externalUrl, isAppNavigation } from './policy';

/** openExternally: hand a URL to the system browser after parsing; anything but http(s)/mailto is dropped. */
export function openExternally(raw: string): void {
  const url = externalUrl(raw);
  if (url) void shell.openExternal(url).catch((err: unknown) => console.error(`app: cannot open ${url}: ${String(err)}`));
  else console.warn(`app: refused to open ${JSON.stringify(raw.slice(0, 120))}`);
}

/** guardContents: deny navigation, new windows and webviews for one webContents. */
export function guardContents(contents: WebContents, trusted: ReadonlySet<string>): void {
  contents.on('will-navigate', (event) => {
    if (isAppNavigation(event.url, trusted)) return;
    event.preventDefault();
    openExternally(event.url);
  });
  // The article iframe (a child of the main frame) shows srcdoc only: a link clicked in it goes to
  // the system browser, and any other navigation of it (javascript:, file:, a custom scheme) is dropped.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || !isArticleFrame(event.frame, contents)) return;
    if (/^about:(srcdoc|blank)$/.test(event.url) || event.url.startsWith('blob:') || isAppNavigation(event.url, trusted)) return;
    event.preventDefault();
    if (/^(https?|mailto):/i.test(event.url)) openExternally(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (event.isMainFrame && !isAppNavigation(event.url, trusted)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function isArticleFrame(frame: WebFrameMain | null | undefined, contents: WebContents): boolean {
  const parent = frame?.parent;
  // WebFrameMain objects are usually shared, but compare by the tree node to be sure.
  return !!parent && (parent === contents.mainFrame || parent.frameTreeNodeId === contents.mainFrame.frameTreeNodeId);
}

/** hardenSession: deny every permission and every renderer request to loopback/private hosts outside the app. */
export function hardenSession(ses: Session, trusted: ReadonlySet<string>): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
  ses.webRequest.onBeforeRequest((details, callback) => {
    let cancel = false;
    try {
      const u = new URL(details.url);
      // Article content never reaches the LAN or this machine's services (issue 7 §2); the dev server is ours.
      // The dev server's HMR socket is ws://localhost:PORT: compare it as the http origin it belongs to.
      const origin = u.origin.replace(/^ws(s?):/, 'http$1:');
      cancel = /^(https?|wss?):$/.test(u.protocol) && isPrivateHost(u) && !trusted.has(origin);
    } catch {
      cancel = true;
    }
    callback({ cancel });
  });
}

/** installGlobalGuards: apply the guards to every webContents and session as they appear. */
export function installGlobalGuards(trusted: ReadonlySet<string>): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => guardContents(contents, trusted));
  hardenSession(session.defaultSession, trusted);
}
