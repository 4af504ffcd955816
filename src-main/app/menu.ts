// The application menu: File (OPML and Markdown through native dialogs), View, Help.
import { readFile, writeFile } from 'node:fs/promises';
import { Menu, app, dialog, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Reader } from '../core/reader';

/** buildMenu: install the application menu for reader, acting on the window win() returns. */
export function buildMenu(reader: Reader, win: () => BrowserWindow | undefined, dev: boolean): void {
  const run = (what: string, action: () => Promise<void>) => () => {
    action().catch((err: unknown) => {
      dialog.showErrorBox('Tidings', `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Import OPML…', accelerator: 'CmdOrCtrl+O', click: run('Import OPML', () => importOpml(reader, win())) },
        { label: 'Export OPML…', click: run('Export OPML', () => exportOpml(reader, win())) },
        { label: 'Export Markdown…', accelerator: 'CmdOrCtrl+E', click: run('Export Markdown', () => exportMarkdown(reader, win())) },
        { type: 'separator' },
        { label: 'Open Data Folder', click: run('Open Data Folder', async () => void (await shell.openPath(reader.dataDir))) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(dev ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'About Tidings', click: () => app.showAboutPanel() },
        { label: 'Keyboard Shortcuts: press ? in the reader', enabled: false },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function importOpml(reader: Reader, win: BrowserWindow | undefined): Promise<void> {
  const options = { title: 'Import OPML', properties: ['openFile' as const], filters: [{ name: 'OPML', extensions: ['opml', 'xml'] }] };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  // Bytes, not UTF-8 text: the core honours the encoding the file's prolog declares.
  const report = await reader.api.importOpml({ base64: (await readFile(file)).toString('base64') });
  const refused = report.refused.map((r) => `line ${r.line}: ${r.url} (${r.reason})`).slice(0, 20);
  await message(win, `Added ${report.added.length} feeds; ${report.present.length} were already there.`, refused.join('\n'));
}

async function exportOpml(reader: Reader, win: BrowserWindow | undefined): Promise<void> {
  const options = { title: 'Export OPML', defaultPath: 'tidings.opml', filters: [{ name: 'OPML', extensions: ['opml'] }] };
  const picked = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (picked.canceled || !picked.filePath) return;
  await writeFile(picked.filePath, await reader.api.exportOpml(), 'utf8');
}

async function exportMarkdown(reader: Reader, win: BrowserWindow | undefined): Promise<void> {
  const options = { title: 'Export Markdown into folder', properties: ['openDirectory' as const, 'createDirectory' as const] };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const dir = picked.filePaths[0];
  if (picked.canceled || !dir) return;
  const report = await reader.api.exportMarkdown({ dir, query: {} });
  const skipped = report.skipped.map((s) => `${s.file}: ${s.reason}`).slice(0, 20);
  await message(win, `Wrote ${report.written.length} files; ${report.unchanged.length} unchanged.`, skipped.join('\n'));
}

async function message(win: BrowserWindow | undefined, text: string, detail: string): Promise<void> {
  const options = { type: 'info' as const, message: text, detail: detail || undefined };
  if (win) await dialog.showMessageBox(win, options);
  else await dialog.showMessageBox(options);
}
