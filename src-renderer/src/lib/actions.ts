// Subscription, OPML and export actions: each calls the API, updates the shared state and tells
// the reader what happened (with undo where it can be undone).
import type { AddFeedResult, ExportReport, FeedView, OpmlReport, StorageReport } from '../../../src-main/ipc/contract';
import { api } from './api';
import { notices } from './notices.svelte';
import { reader } from './reader.svelte';

/** addFeed: subscribe to a feed or site URL; a site with several feeds returns the choices. */
export async function addFeed(url: string, folder: string): Promise<AddFeedResult> {
  const result = await api.addFeed(url.trim(), folder.trim() || undefined);
  if (result.kind === 'choose') return result;
  await reader.library.reloadFeeds();
  notices.push('info', result.kind === 'added' ? `Subscribed to ${result.feed.title}.` : `Already subscribed to ${result.feed.title}.`);
  // The core fetched the feed while subscribing; showing it is enough.
  reader.showView({ kind: 'feed', id: result.feed.id });
  return result;
}

/** removeFeed: unsubscribe, offering undo (restoreFeed brings the items back). */
export async function removeFeed(feed: FeedView): Promise<void> {
  try {
    await api.removeFeed(feed.id);
    if (reader.view.kind === 'feed' && reader.view.id === feed.id) reader.showView({ kind: 'all' });
    await reader.library.reloadFeeds();
    notices.push('info', `Removed ${feed.title}.`, {
      label: 'Undo',
      run: async () => {
        await api.restoreFeed(feed.id);
        await reader.library.reloadFeeds();
        await reader.requery();
      },
    }, 12000);
  } catch (err) {
    notices.error(err);
  }
}

/** updateFeed: rename a feed or move it to another folder. */
export async function updateFeed(feed: FeedView, patch: { title?: string; folder?: string; fullText?: boolean }): Promise<void> {
  try {
    await api.updateFeed(feed.id, patch);
    await reader.library.reloadFeeds();
  } catch (err) {
    notices.error(err);
  }
}

/** markAllRead: mark what is shown read (optionally only older items), offering undo. */
export async function markAllRead(olderThanDays?: number): Promise<void> {
  try {
    const ids = await api.markAllRead({ query: reader.query, olderThanDays });
    const set = new Set(ids);
    reader.timeline.patchMany(set, { read: true });
    if (reader.detail && set.has(reader.detail.id)) reader.detail.read = true;
    reader.library.reconcile(0);
    const undo = async () => {
      await api.setRead(ids, false);
      await reader.timeline.reload();
      reader.library.reconcile(0);
    };
    notices.push('info', `Marked ${ids.length} item${ids.length === 1 ? '' : 's'} as read.`, ids.length ? { label: 'Undo', run: undo } : undefined);
  } catch (err) {
    notices.error(err);
  }
}

/** markFeedRead: mark every item of one feed read, offering undo. */
export async function markFeedRead(feed: FeedView): Promise<void> {
  try {
    const ids = await api.markAllRead({ query: { feedId: feed.id } });
    reader.library.reconcile(0);
    await reader.timeline.reload();
    notices.push('info', `Marked ${ids.length} item${ids.length === 1 ? '' : 's'} of ${feed.title} as read.`, ids.length ? {
      label: 'Undo',
      run: async () => {
        await api.setRead(ids, false);
        reader.library.reconcile(0);
        await reader.timeline.reload();
      },
    } : undefined);
  } catch (err) {
    notices.error(err);
  }
}

/** importOpmlFile: import an OPML file (its bytes, so a declared non-UTF-8 encoding is honoured) and return the report for the dialog. */
export async function importOpmlFile(file: Blob): Promise<OpmlReport | null> {
  try {
    const report = await api.importOpml({ base64: toBase64(new Uint8Array(await file.arrayBuffer())) });
    await reader.library.reloadFeeds();
    return report;
  } catch (err) {
    notices.error(err);
    return null;
  }
}

/** exportMarkdown: write the chosen items (or what is shown) as Markdown files into dir. */
export async function exportMarkdown(dir: string, ids: string[] | null): Promise<ExportReport | null> {
  try {
    const req = ids ? { ids, dir } : { query: { ...reader.query, offset: 0 }, dir };
    const report = await api.exportMarkdown(req);
    const skipped = report.skipped.length ? `, ${report.skipped.length} skipped` : '';
    notices.push('info', `Exported ${report.written.length} new file${report.written.length === 1 ? '' : 's'} to ${dir} (${report.unchanged.length} unchanged${skipped}).`);
    return report;
  } catch (err) {
    notices.error(err);
    return null;
  }
}

/** storageReport: the data dir's size by part, or null when it cannot be read. */
export async function storageReport(): Promise<StorageReport | null> {
  try {
    return await api.storageReport();
  } catch (err) {
    notices.error(err);
    return null;
  }
}

/** clearMediaCache: delete the cached images (articles point at the web again until the next refresh). */
export async function clearMediaCache(): Promise<boolean> {
  try {
    await api.clearMediaCache();
    return true;
  } catch (err) {
    notices.error(err);
    return false;
  }
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  // In slices: one String.fromCharCode call per byte of a large file would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
