import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as approve from './approve';
import * as list from './list';
import * as reject from './reject';
import * as show from './show';
import * as watch from './watch';

export function approvalsCommand(make: MakeDeps): Command {
  return new Command('approvals')
    .description('Decide the requests that risky tools wait on (execution scope)')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(approve.command(make))
    .addCommand(reject.command(make))
    .addCommand(watch.command(make));
}
