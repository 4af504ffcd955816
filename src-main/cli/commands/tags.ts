import { only, positionals } from '../args';
import type { CliCommand } from '../types';

export const command: CliCommand = {
  name: 'tags',
  usage: 'tags [--json]',
  summary: 'list tags with their item and unread counts',
  async run(ctx, args) {
    only(args, []);
    positionals(args, 0);
    const reader = await ctx.openReader();
    const tags = await reader.api.listTags();
    if (ctx.json) {
      ctx.out(JSON.stringify(tags, null, 2));
      return 0;
    }
    if (tags.length === 0) {
      ctx.out('no tags yet');
      return 0;
    }
    const width = Math.max(3, ...tags.map((t) => t.tag.length));
    ctx.out(`${'tag'.padEnd(width)}  ${'items'.padStart(6)}  ${'unread'.padStart(6)}`);
    for (const t of tags) ctx.out(`${t.tag.padEnd(width)}  ${String(t.total).padStart(6)}  ${String(t.unread).padStart(6)}`);
    return 0;
  },
};
