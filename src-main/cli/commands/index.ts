import type { CliCommand } from '../types';
import { command as add } from './add';
import { command as exportMd } from './export-md';
import { command as exportOpml } from './export-opml';
import { command as feeds } from './feeds';
import { command as importOpml } from './import-opml';
import { command as list } from './list';
import { command as read } from './read';
import { command as refresh } from './refresh';
import { command as serve } from './serve';
import { command as tags } from './tags';

/** COMMANDS: every CLI command, in the order `tidings --help` lists them. */
export const COMMANDS: CliCommand[] = [add, feeds, refresh, list, read, tags, importOpml, exportOpml, exportMd, serve];
