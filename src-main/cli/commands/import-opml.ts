import { readFile, stat } from 'node:fs/promises';
import { decodeOpml } from '../../core/opml';
import { only, positionals } from '../args';
import { UsageError, type CliCommand } from '../types';

const MAX_BYTES = 20 * 1024 * 1024;

export const command: CliCommand = {
  name: 'import-opml',
  usage: 'import-opml <file>',
  summary: 'subscribe to the feeds of an OPML file (folders kept); reports added, already present and refused entries',
  async run(ctx, args) {
    only(args, []);
    const [file] = positionals(args, 1);
    let bytes: Buffer;
    try {
      // Subscription lists are kilobytes; a huge file is a wrong file, not one to hold in memory.
      const size = (await stat(file!)).size;
      if (size > MAX_BYTES) throw new UsageError(`import-opml: ${file} is ${(size / 1048576).toFixed(0)} MB; OPML files over ${MAX_BYTES / 1048576} MB are refused`);
      bytes = await readFile(file!);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`import-opml: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // Decoded here from bytes, so an encoding declared in the file's prolog is honoured.
    const text = decodeOpml(bytes);
    const reader = await ctx.openReader();
    const report = await reader.api.importOpml(text);
    if (ctx.json) {
      ctx.out(JSON.stringify(report, null, 2));
    } else {
      ctx.out(`added ${report.added.length}, already present ${report.present.length}, refused ${report.refused.length}`);
      for (const a of report.added) ctx.out(`  + ${a.title || a.url}${a.folder ? `  [${a.folder}]` : ''}  ${a.url}`);
      for (const p of report.present) ctx.out(`  = ${p.title || p.url}  ${p.url}`);
      for (const r of report.refused) ctx.out(`  ! line ${r.line}: ${r.reason}: ${r.url}`);
    }
    return report.refused.length > 0 ? 1 : 0;
  },
};
