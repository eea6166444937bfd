import { Command } from 'commander';
import type { MakeDeps } from '../../../deps';
import * as create from './create';
import * as list from './list';
import * as revoke from './revoke';

export function joinKeysCommand(make: MakeDeps): Command {
  return new Command('join-keys')
    .description('Manage the join keys agents enroll with')
    .addCommand(list.command(make))
    .addCommand(create.command(make))
    .addCommand(revoke.command(make));
}
