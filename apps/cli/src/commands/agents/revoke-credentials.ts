import { Command } from 'commander';
import { CliError, UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { agentFields } from './agent-columns';

export interface RevokeCredentialsOptions {
  id: string;
  yes?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('revoke-credentials')
    .description(
      'Cut an agent off: revoke its credentials and close its connection; it must enroll again (owners only)',
    )
    .argument('<id>', 'agent id (agt_…)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (id: string, opts: { yes?: boolean }, cmd: Command) => run({ id, ...opts }, make(cmd)));
}

/** Irreversible for the agent, so it asks first; scripts must say --yes explicitly. */
export async function run(opts: RevokeCredentialsOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  if (!opts.yes) {
    if (!deps.io.stdin.isTTY) {
      throw new UsageError(
        'revoking credentials cuts the agent off until it enrolls again; pass --yes to confirm',
      );
    }
    const agent = await client.getAgent(opts.id);
    const answer = await deps.io.prompt(
      `Revoke the credentials of ${agent.registration_name} (${agent.id})? It must enroll again with a join key. [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not revoked');
  }
  const agent = await client.revokeAgentCredentials(opts.id);
  deps.out.record(agentFields(agent), agent);
  if (!deps.out.isJson)
    deps.out.note(`Revoked the credentials of ${agent.registration_name}; its connection is closed.`);
}
