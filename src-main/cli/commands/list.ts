import { bool, flag, flagList, only, positionals } from '../args';
import { UsageError, type CliCommand } from '../types';
import type { ItemQuery, ItemSummary } from '../../ipc/contract';

export const command: CliCommand = {
  name: 'list',
  usage: 'list [--unread] [--starred] [--feed ID] [--tag T ...] [--search Q] [--limit N] [--json]',
  summary: 'list items, newest first',
  async run(ctx, args) {
    only(args, ['unread', 'starred', 'feed', 'tag', 'search', 'limit']);
    positionals(args, 0);
    const limit = Number(flag(args, 'limit') ?? 1000);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('cli: --limit takes a positive number');
    const query: ItemQuery = {
      status: bool(args, 'unread') ? 'unread' : bool(args, 'starred') ? 'starred' : 'all',
      feedId: flag(args, 'feed'),
      tags: flagList(args, 'tag').length ? flagList(args, 'tag') : undefined,
      search: flag(args, 'search'),
    };
    const reader = await ctx.openReader();
    const items: ItemSummary[] = [];
    // The API pages at most 1,000 items per call; a script asking for more gets them all.
    while (items.length < limit) {
      const page = await reader.api.listItems({ ...query, offset: items.length, limit: Math.min(1000, limit - items.length) });
      items.push(...page.items);
      if (page.items.length === 0 || items.length >= page.total) break;
    }
    if (ctx.json) {
      const rows = items.map(({ id, feedId, feedTitle, title, link, published, read, starred, tags }) => ({
        id, feedId, feedTitle, title, link: link ?? null, published, read, starred, tags,
      }));
      ctx.out(JSON.stringify(rows, null, 2));
    } else {
      for (const it of items) {
        ctx.out(`${it.read ? ' ' : '*'}${it.starred ? '★' : ' '} ${it.id}  ${it.published.slice(0, 10)}  ${it.feedTitle} — ${it.title}`);
      }
    }
    return 0;
  },
};
