import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as accept from './accept';
import * as list from './list';
import * as reject from './reject';
import * as show from './show';

export function discoveryCommand(make: MakeDeps): Command {
  return new Command('discovery')
    .description('Review components the agents discovered on their hosts: accept or reject them')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(accept.command(make))
    .addCommand(reject.command(make));
}
