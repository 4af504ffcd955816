// A small in-memory ReaderApi for the import/export/tags command modules, built on the real pure
// functions (parseOpml, planImport, buildOpml, exportItems), plus a CliContext that records output.
// The full service runs these commands end to end elsewhere; this pins the commands' own behaviour.
import type { ExportItem } from '../../../src-main/core/export';
import { exportItems } from '../../../src-main/core/export';
import { buildOpml, parseOpml, planImport } from '../../../src-main/core/opml';
import type { Reader } from '../../../src-main/core/reader';
import type { ExportRequest, ReaderApi, TagCount } from '../../../src-main/ipc/contract';
import { parseArgs } from '../../../src-main/cli/args';
import type { CliCommand, CliContext } from '../../../src-main/cli/types';
import { UsageError } from '../../../src-main/cli/types';

export interface FakeLibrary {
  feeds: { url: string; title: string; folder: string; siteUrl?: string }[];
  items: (ExportItem & { read: boolean; starred: boolean; feedId: string })[];
  requests: ExportRequest[];
}

/** fakeReader: a Reader over an in-memory library, implementing only what these commands call. */
export function fakeReader(lib: FakeLibrary): Reader {
  const api: Partial<ReaderApi> = {
    async listFeeds() {
      const ids = new Set(lib.items.map((i) => i.feedId));
      return [...ids].map((id) => ({
        id, url: `https://${id}.example/feed`, title: `Feed ${id}`, folder: '', unread: 0, total: 0, fullText: false,
        health: { itemCount: 0, consecutiveFailures: 0 },
      }));
    },
    async importOpml(doc) {
      const plan = planImport(parseOpml(typeof doc === 'string' ? doc : Buffer.from(doc.base64, 'base64')), lib.feeds);
      for (const a of plan.toAdd) lib.feeds.push({ url: a.url, title: a.title, folder: a.folder });
      return { added: plan.toAdd.map(({ url, title, folder }) => ({ url, title, folder })), present: plan.present, refused: plan.refused };
    },
    async exportOpml() {
      return buildOpml(lib.feeds);
    },
    async exportMarkdown(req) {
      lib.requests.push(req);
      const q = req.query ?? {};
      const items = lib.items.filter(
        (i) =>
          (!q.tags || q.tags.some((t) => i.tags.includes(t))) &&
          (!q.feedId || i.feedId === q.feedId) &&
          (!q.since || i.published >= q.since) &&
          (q.status !== 'starred' || i.starred) &&
          (q.status !== 'unread' || !i.read),
      );
      return exportItems(items, req.dir, { overwrite: req.overwrite, layout: req.layout });
    },
    async listTags() {
      const counts = new Map<string, TagCount>();
      for (const i of lib.items)
        for (const tag of i.tags) {
          const c = counts.get(tag) ?? { tag, total: 0, unread: 0 };
          c.total++;
          if (!i.read) c.unread++;
          counts.set(tag, c);
        }
      return [...counts.values()].sort((a, b) => b.total - a.total || a.tag.localeCompare(b.tag));
    },
  };
  return { dataDir: '/nonexistent', api: api as ReaderApi, notices: [], onEvent: () => () => {}, close: async () => {} };
}

/** runCommand: run a command module the way the CLI does (usage errors → 2); returns code and output. */
export async function runCommand(cmd: CliCommand, argv: string[], lib: FakeLibrary): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const args = parseArgs(argv);
  const ctx: CliContext = {
    dataDir: '/nonexistent',
    json: args.flags.json === true,
    openReader: async () => fakeReader(lib),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  try {
    return { code: await cmd.run(ctx, args), out: out.join('\n'), err: err.join('\n') };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out: out.join('\n'), err: e.message };
    throw e;
  }
}
