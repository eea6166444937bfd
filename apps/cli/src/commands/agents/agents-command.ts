import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as drain from './drain';
import { joinKeysCommand } from './join-keys/join-keys-command';
import * as list from './list';
import * as pauseExec from './pause-exec';
import * as resumeExec from './resume-exec';
import * as revokeCredentials from './revoke-credentials';
import * as show from './show';

export function agentsCommand(make: MakeDeps): Command {
  return new Command('agents')
    .description('Watch and steer the enrolled agents, and the join keys they enroll with')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(pauseExec.command(make))
    .addCommand(resumeExec.command(make))
    .addCommand(drain.command(make))
    .addCommand(revokeCredentials.command(make))
    .addCommand(joinKeysCommand(make));
}
