import { only, positionals } from '../args';
import type { CliCommand } from '../types';

export const command: CliCommand = {
  name: 'feeds',
  usage: 'feeds [--json]',
  summary: 'list subscriptions with their health',
  async run(ctx, args) {
    only(args, []);
    positionals(args, 0);
    const reader = await ctx.openReader();
    const feeds = await reader.api.listFeeds();
    if (ctx.json) {
      ctx.out(JSON.stringify(feeds, null, 2));
      return 0;
    }
    for (const f of feeds) {
      const h = f.health;
      ctx.out(`${f.id}  ${f.title}${f.folder ? `  [${f.folder}]` : ''}`);
      ctx.out(`    ${f.url}`);
      ctx.out(`    ${f.unread} unread of ${f.total}; last success ${h.lastSuccess ?? 'never'}${h.status ? `; HTTP ${h.status}` : ''}${h.encoding ? `; ${h.encoding}` : ''}`);
      if (h.lastError) ctx.out(`    error: ${h.lastError}${h.nextAttempt ? ` (next try at ${h.nextAttempt})` : ''}`);
    }
    if (feeds.length === 0) ctx.out('no feeds yet: tidings add <url> or tidings import-opml <file>');
    return 0;
  },
};
