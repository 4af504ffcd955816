import { lstat, rename, writeFile } from 'node:fs/promises';
import { bool, only, positionals } from '../args';
import { UsageError, type CliCommand } from '../types';

export const command: CliCommand = {
  name: 'export-opml',
  usage: 'export-opml <file|-> [--overwrite]',
  summary: 'write every subscription, folders kept, as OPML 2.0 (- for standard output)',
  async run(ctx, args) {
    only(args, ['overwrite']);
    const [file] = positionals(args, 1);
    if (file !== '-' && !bool(args, 'overwrite')) {
      const exists = await lstat(file!).then(
        () => true,
        () => false,
      );
      if (exists) throw new UsageError(`export-opml: ${file} exists; give --overwrite to replace it`);
    }
    const reader = await ctx.openReader();
    const xml = await reader.api.exportOpml();
    if (file === '-') {
      ctx.out(xml.trimEnd());
      return 0;
    }
    // Temp file and rename: an interrupted export never leaves half an OPML file behind.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, xml, { flag: 'wx' });
    await rename(tmp, file!);
    const feeds = (xml.match(/<outline [^>]*xmlUrl=/g) ?? []).length;
    if (ctx.json) ctx.out(JSON.stringify({ file, feeds }));
    else ctx.out(`wrote ${feeds} feeds to ${file}`);
    return 0;
  },
};
