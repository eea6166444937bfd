import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as init from './init';
import * as list from './list';
import * as use from './use';

export function configCommand(make: MakeDeps): Command {
  return new Command('config')
    .description('Manage contexts: which server to talk to, and with which key')
    .addCommand(init.command(make))
    .addCommand(use.command(make))
    .addCommand(list.command(make));
}
