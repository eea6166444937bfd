import { Command } from 'commander';
import { CliError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';

export interface UseOptions {
  name: string;
}

export function command(make: MakeDeps): Command {
  return new Command('use')
    .description('Make a context the current one')
    .argument('<name>', 'context name')
    .action(async (name: string, _opts: unknown, cmd: Command) => run({ name }, make(cmd)));
}

export async function run(opts: UseOptions, deps: Deps): Promise<void> {
  const data = deps.config.load();
  if (!data.contexts[opts.name]) {
    const known = Object.keys(data.contexts);
    throw new CliError(
      `no context named "${opts.name}"; ${known.length ? `known: ${known.join(', ')}` : 'create one with "xeroctl config init"'}`,
    );
  }
  deps.config.save({ ...data, current_context: opts.name });
  if (deps.out.isJson) deps.out.json({ current_context: opts.name });
  else deps.out.note(`Switched to context "${opts.name}".`);
}
