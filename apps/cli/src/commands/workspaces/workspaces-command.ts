import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as bind from './bind';
import * as create from './create';
import * as list from './list';
import * as pause from './pause';
import * as policyHistory from './policy/history';
import * as policySet from './policy/set';
import * as policyShow from './policy/show';
import * as resume from './resume';
import * as show from './show';
import * as unbind from './unbind';

export function workspacesCommand(make: MakeDeps): Command {
  const policy = new Command('policy')
    .description('Approval policy of a workspace: who must approve what, and by when')
    .addCommand(policyShow.command(make))
    .addCommand(policySet.command(make))
    .addCommand(policyHistory.command(make));
  return new Command('workspaces')
    .description('Manage workspaces: where tools run, and which agents serve them')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(create.command(make))
    .addCommand(bind.command(make))
    .addCommand(unbind.command(make))
    .addCommand(pause.command(make))
    .addCommand(resume.command(make))
    .addCommand(policy);
}
