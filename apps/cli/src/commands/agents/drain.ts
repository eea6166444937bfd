import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { agentFields } from './agent-columns';

export interface DrainOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('drain')
    .description(
      'Let an agent finish what it runs and take nothing new, e.g. before maintenance (owners only)',
    )
    .argument('<id>', 'agent id (agt_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: DrainOptions, deps: Deps): Promise<void> {
  const agent = await (await deps.projectClient()).drainAgent(opts.id);
  deps.out.record(agentFields(agent), agent);
  if (!deps.out.isJson) {
    deps.out.note(
      `Draining ${agent.registration_name}: ${agent.in_flight} execution(s) still running, nothing new is sent.`,
    );
  }
}
