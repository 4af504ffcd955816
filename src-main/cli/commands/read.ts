import { bool, only, positionals } from '../args';
import type { CliCommand } from '../types';

export const command: CliCommand = {
  name: 'read',
  usage: 'read <ITEM_ID ...> [--unread]',
  summary: 'mark items read (or unread with --unread)',
  async run(ctx, args) {
    only(args, ['unread']);
    const ids = positionals(args, 1, Infinity);
    const reader = await ctx.openReader();
    const read = !bool(args, 'unread');
    const changed = await reader.api.setRead(ids, read);
    const found = (await Promise.all(ids.map((id) => reader.api.getItem(id)))).filter((x) => x !== null).length;
    if (found < ids.length) {
      ctx.err(`cli: ${ids.length - found} of ${ids.length} ids not found`);
    }
    if (ctx.json) ctx.out(JSON.stringify({ changed, notFound: ids.length - found }));
    else ctx.out(`marked ${changed} item${changed === 1 ? '' : 's'} ${read ? 'read' : 'unread'}`);
    return found < ids.length ? 1 : 0;
  },
};
