import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as create from './create';
import * as list from './list';
import * as revoke from './revoke';
import * as rotate from './rotate';

export function keysCommand(make: MakeDeps): Command {
  return new Command('keys')
    .description('Manage the API keys of the project')
    .addCommand(list.command(make))
    .addCommand(create.command(make))
    .addCommand(rotate.command(make))
    .addCommand(revoke.command(make));
}
