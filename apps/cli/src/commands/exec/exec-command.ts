import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as cancel from './cancel';
import * as invoke from './invoke';
import * as list from './list';
import * as markFailed from './mark-failed';
import * as raw from './raw';
import * as retry from './retry';
import * as show from './show';
import * as toolShow from './tool-show';
import * as tools from './tools';
import * as watch from './watch';

export function execCommand(make: MakeDeps): Command {
  return new Command('exec')
    .description('Run tools and follow executions (execution scope)')
    .addCommand(tools.command(make))
    .addCommand(toolShow.command(make))
    .addCommand(invoke.command(make))
    .addCommand(watch.command(make))
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(raw.command(make))
    .addCommand(cancel.command(make))
    .addCommand(retry.command(make))
    .addCommand(markFailed.command(make));
}
