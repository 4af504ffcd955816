// Runs the BUILT main process (out/main/index.js) against the electron stub and probes every
// security decision it registered. Prints one JSON report on stdout.
// Usage: node --import ./register.mjs run-main.mjs <out/main/index.js> --data-dir <dir>
import { pathToFileURL } from 'node:url';

const [mainFile] = process.argv.slice(2);
await import(pathToFileURL(mainFile).href);
const rec = globalThis.__electronStub;
for (let i = 0; i < 200 && rec.windows.length === 0 && rec.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 100));

const report = { errors: rec.errors, exitCode: rec.exitCode, sandboxEnabled: rec.sandboxEnabled, userData: rec.userData, schemes: rec.schemes, loads: rec.loads, legacyProtocol: !!rec.legacyProtocol };
const win = rec.windows[0];
report.webPreferences = win?.options.webPreferences ?? null;
const wc = win?.webContents;

function fire(emitter, name, event, ...rest) {
  let prevented = false;
  const before = rec.opened.length;
  const e = { ...event, preventDefault() { prevented = true; } };
  for (const fn of emitter.listeners(name)) fn(e, ...rest);
  return { prevented, opened: rec.opened.slice(before) };
}

if (wc) {
  const urls = ['https://evil.test/phish', 'http://example.org/', 'mailto:a@b.test', 'javascript:alert(1)', 'file:///etc/passwd', 'smb://evil.test/x', 'ms-msdt:/id x', 'app://tidings/index.html', 'app://evil/index.html'];
  report.listeners = Object.fromEntries(['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'].map((n) => [n, wc.listenerCount(n)]));
  report.navigate = Object.fromEntries(urls.map((url) => [url, fire(wc, 'will-navigate', { url, isMainFrame: true })]));
  // A distinct object for the same parent, as Electron may hand out.
  const articleFrame = { url: 'about:srcdoc', parent: { ...wc.mainFrame }, frameTreeNodeId: 99 };
  report.frameNavigate = Object.fromEntries([...urls, 'about:srcdoc'].map((url) => [url, fire(wc, 'will-frame-navigate', { url, isMainFrame: false, frame: articleFrame })]));
  report.redirect = fire(wc, 'will-redirect', { url: 'https://evil.test/', isMainFrame: true });
  report.webview = fire(wc, 'will-attach-webview', {}, {}, {});
  report.windowOpen = Object.fromEntries(urls.map((url) => {
    const before = rec.opened.length;
    const result = wc.windowOpenHandler ? wc.windowOpenHandler({ url, frameName: '', features: '', disposition: 'new-window' }) : null;
    return [url, { result, opened: rec.opened.slice(before) }];
  }));
}

const permissions = ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'pointerLock', 'fileSystem', 'unknown'];
report.permissionRequest = rec.permissionRequest
  ? Object.fromEntries(permissions.map((p) => { let granted = 'no answer'; rec.permissionRequest(wc, p, (g) => { granted = g; }, {}); return [p, granted]; }))
  : null;
report.permissionCheck = rec.permissionCheck ? Object.fromEntries(permissions.map((p) => [p, rec.permissionCheck(wc, p, 'app://tidings', {})])) : null;
report.download = fire(rec.sessionEvents, 'will-download', {});
report.beforeRequest = rec.beforeRequest
  ? Object.fromEntries(['http://127.0.0.1:8080/x', 'ws://127.0.0.1:8080/hmr', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://192.168.0.1/', 'https://example.com/a.png', 'app://tidings/index.html'].map((url) => {
      let answer = null; rec.beforeRequest({ url, resourceType: 'image' }, (a) => { answer = a; }); return [url, answer];
    }))
  : null;

const handler = rec.protocolHandlers.app;
report.protocol = {};
if (handler) {
  for (const url of ['app://tidings/index.html', 'app://tidings/', 'app://tidings/../../../../etc/passwd', 'app://tidings/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'app://tidings/media/..%2f..%2f..%2fetc/passwd', 'app://other/index.html', 'app://tidings/nope.js']) {
    const res = await handler({ url, method: 'GET' });
    report.protocol[url] = { status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy'), nosniff: res.headers.get('x-content-type-options') };
  }
  report.protocolPost = (await handler({ url: 'app://tidings/index.html', method: 'POST' })).status;
}

report.ipcChannels = Object.keys(rec.ipc).sort();
const call = rec.ipc['tidings:listFeeds'];
if (call) {
  const top = (url) => ({ senderFrame: { url, parent: null } });
  report.ipc = {
    trusted: await call(top('app://tidings/index.html'), []),
    foreignOrigin: await call(top('https://evil.test/'), []),
    fileOrigin: await call(top('file:///work/out/renderer/index.html'), []),
    subframe: await call({ senderFrame: { url: 'app://tidings/index.html', parent: { url: 'app://tidings/' } } }, []),
    noFrame: await call({ senderFrame: null }, []),
    badArgs: await rec.ipc['tidings:setRead']?.(top('app://tidings/index.html'), ['not-an-array', 'yes']),
  };
}
report.menu = rec.menu ? rec.menu.template.map((m) => ({ label: m.label ?? m.role, items: (m.submenu ?? []).map((i) => i.label ?? i.role ?? i.type) })) : null;
// A marker, so log lines of the app itself cannot corrupt the report.
process.stdout.write(`\n@@REPORT@@${JSON.stringify(report)}\n`);
process.exit(0);
