import { sameFeedKey } from '../../core/opml-url';
import type { FeedView, ItemQuery } from '../../ipc/contract';
import { bool, flag, flagList, only, positionals } from '../args';
import { UsageError, type CliCommand, type ParsedArgs } from '../types';

/** exportQuery: the export-md flags → the ItemQuery they select (no filter: every item). */
export function exportQuery(args: ParsedArgs): ItemQuery {
  const query: ItemQuery = { sort: 'oldest' };
  const tags = flagList(args, 'tag');
  if (tags.length > 0) {
    query.tags = tags;
    query.tagMode = bool(args, 'all') ? 'all' : 'any';
  }
  const feed = flag(args, 'feed');
  if (feed) query.feedId = feed;
  const folder = flag(args, 'folder');
  if (folder !== undefined) query.folder = folder;
  const since = flag(args, 'since');
  if (since !== undefined) {
    const t = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(t)) throw new UsageError(`export-md: --since takes a date (YYYY-MM-DD), not ${JSON.stringify(since)}`);
    query.since = new Date(t).toISOString();
  }
  if (bool(args, 'starred') && bool(args, 'unread')) throw new UsageError('export-md: give --starred or --unread, not both');
  if (bool(args, 'starred')) query.status = 'starred';
  if (bool(args, 'unread')) query.status = 'unread';
  return query;
}

/** findFeed: a feed named on the command line by id, URL or exact title (case-insensitive). */
export function findFeed(feeds: readonly FeedView[], name: string): FeedView | undefined {
  const key = sameFeedKey(name);
  const lower = name.trim().toLowerCase();
  return feeds.find((f) => f.id === name) ?? feeds.find((f) => sameFeedKey(f.url) === key) ?? feeds.find((f) => f.title.trim().toLowerCase() === lower);
}

export const command: CliCommand = {
  name: 'export-md',
  usage: 'export-md <dir> [--tag T ...] [--feed F] [--since DATE] [--starred|--unread] [--overwrite]',
  summary: 'write items as Jekyll Markdown (YYYY-MM-DD-slug.md; re-export rewrites the same files); also --all (every --tag), --folder PATH, --layout NAME',
  async run(ctx, args) {
    only(args, ['tag', 'all', 'feed', 'folder', 'since', 'starred', 'unread', 'overwrite', 'layout']);
    const [dir] = positionals(args, 1);
    const query = exportQuery(args);
    const reader = await ctx.openReader();
    if (query.feedId !== undefined) {
      const feed = findFeed(await reader.api.listFeeds(), query.feedId);
      if (!feed) throw new UsageError(`export-md: no feed ${JSON.stringify(query.feedId)} (see tidings feeds)`);
      query.feedId = feed.id;
    }
    const layout = flag(args, 'layout');
    const report = await reader.api.exportMarkdown({ query, dir: dir!, overwrite: bool(args, 'overwrite'), ...(layout ? { layout } : {}) });
    if (ctx.json) {
      ctx.out(JSON.stringify(report, null, 2));
    } else {
      ctx.out(`wrote ${report.written.length}, unchanged ${report.unchanged.length}, skipped ${report.skipped.length} in ${dir}`);
      for (const s of report.skipped) ctx.out(`  ! ${s.file}: ${s.reason}`);
    }
    return report.skipped.length > 0 ? 1 : 0;
  },
};
