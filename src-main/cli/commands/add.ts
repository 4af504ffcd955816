import { flag, only, positionals } from '../args';
import { UsageError, type CliCommand } from '../types';

export const command: CliCommand = {
  name: 'add',
  usage: 'add <url> [--folder PATH] [--pick N]',
  summary: 'subscribe to a feed (or a site: its feeds are discovered) and fetch its items',
  async run(ctx, args) {
    only(args, ['folder', 'pick']);
    const [input] = positionals(args, 1);
    const pickRaw = flag(args, 'pick');
    const pick = pickRaw === undefined ? undefined : Number(pickRaw);
    if (pick !== undefined && (!Number.isInteger(pick) || pick < 1)) throw new UsageError('cli: --pick takes a number from 1');
    const reader = await ctx.openReader();
    let result = await reader.api.addFeed(input!, flag(args, 'folder'));
    if (result.kind === 'choose') {
      if (pick === undefined) {
        if (ctx.json) ctx.out(JSON.stringify(result.candidates, null, 2));
        else {
          ctx.out(`${input} offers ${result.candidates.length} feeds; choose one with --pick N:`);
          result.candidates.forEach((c, i) => ctx.out(`  ${i + 1}. ${c.title || c.url}  ${c.url}`));
        }
        return 2;
      }
      const chosen = result.candidates[pick - 1];
      if (!chosen) throw new UsageError(`cli: --pick ${pick}: only ${result.candidates.length} candidates`);
      result = await reader.api.addFeed(chosen.url, flag(args, 'folder'));
    }
    if (result.kind === 'choose') return 1;
    const feed = result.feed;
    if (ctx.json) ctx.out(JSON.stringify({ status: result.kind, feed }, null, 2));
    else if (result.kind === 'exists') ctx.out(`already subscribed: ${feed.title} (${feed.id})`);
    else {
      ctx.out(`added ${feed.title} (${feed.id}): ${feed.total} items`);
      if (feed.health.lastError) ctx.err(feed.health.lastError);
    }
    return feed.health.lastError ? 1 : 0;
  },
};
