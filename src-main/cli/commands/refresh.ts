import { only } from '../args';
import type { CliCommand } from '../types';

export const command: CliCommand = {
  name: 'refresh',
  usage: 'refresh [FEED_ID ...]',
  summary: 'fetch new items; prints one line per failed feed and exits 1 when any failed',
  async run(ctx, args) {
    only(args, []);
    const reader = await ctx.openReader();
    const ids = args.positionals.length ? args.positionals : undefined;
    const summary = await reader.api.refresh(ids);
    if (ctx.json) ctx.out(JSON.stringify(summary, null, 2));
    else {
      for (const f of summary.failed) ctx.err(`${f.title}: ${f.error}`);
      ctx.out(
        `refreshed ${summary.total} feeds in ${(summary.durationMs / 1000).toFixed(1)} s: ` +
          `${summary.newItems} new items, ${summary.unchanged} unchanged, ${summary.failed.length} failed`,
      );
    }
    return summary.failed.length ? 1 : 0;
  },
};
