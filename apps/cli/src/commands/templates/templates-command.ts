import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as apply from './apply';
import * as applyFromDir from './apply-from-dir';
import * as create from './create';
import * as deleteTemplate from './delete';
import * as list from './list';
import * as promote from './promote';
import * as show from './show';
import * as update from './update';
import * as versions from './versions';

export function templatesCommand(make: MakeDeps): Command {
  return new Command('templates')
    .description('Manage chat templates: system prompt, allowed tools and approval policy, versioned')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(create.command(make))
    .addCommand(update.command(make))
    .addCommand(deleteTemplate.command(make))
    .addCommand(versions.command(make))
    .addCommand(promote.command(make))
    .addCommand(apply.command(make))
    .addCommand(applyFromDir.command(make));
}
