import { describe, expect, it } from 'vitest';
import { command as tags } from '../../../src-main/cli/commands/tags';
import { runCommand, type FakeLibrary } from './export-fixture-reader';

function library(): FakeLibrary {
  const item = (n: number, tagList: string[], read: boolean) => ({
    id: `f:${n}`, feedId: 'f', title: `Story ${n}`, published: '2025-01-01T00:00:00Z', summary: '', html: '',
    tags: tagList, feedTitle: 'Feed', feedFolder: '', read, starred: false,
  });
  return { feeds: [], requests: [], items: [item(1, ['news', 'solar-power'], true), item(2, ['news'], false), item(3, ['news'], false)] };
}

describe('tidings tags', () => {
  it('lists tags with item and unread counts, as a table or JSON', async () => {
    const lib = library();
    const table = await runCommand(tags, [], lib);
    expect(table.out.split('\n')).toEqual(['tag           items  unread', 'news              3       2', 'solar-power       1       0']);
    const json = await runCommand(tags, ['--json'], lib);
    expect(JSON.parse(json.out)).toEqual([
      { tag: 'news', total: 3, unread: 2 },
      { tag: 'solar-power', total: 1, unread: 0 },
    ]);
  });

  it('says so when there are no tags, and refuses arguments', async () => {
    expect((await runCommand(tags, [], { feeds: [], items: [], requests: [] })).out).toBe('no tags yet');
    expect((await runCommand(tags, ['extra'], { feeds: [], items: [], requests: [] })).code).toBe(2);
  });
});
