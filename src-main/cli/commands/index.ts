import type { CliCommand } from '../types';
import { command as add } from './add';
import { command as feeds } from './feeds';
import { command as list } from './list';
import { command as read } from './read';
import { command as refresh } from './refresh';
import { command as serve } from './serve';

/** COMMANDS: every CLI command, in the order `tidings --help` lists them. */
export const COMMANDS: CliCommand[] = [add, feeds, refresh, list, read, serve];
