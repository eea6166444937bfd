import type { Scope } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange, scopeList } from '../../flag-parsers';
import { printSecret } from './print-secret';

export interface CreateOptions {
  name: string;
  scopes: Scope[];
  expiresInDays?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('create')
    .description('Create an API key; its secret is printed once')
    .requiredOption('--name <name>', 'a name that says what uses the key')
    .requiredOption('--scopes <list>', 'comma-separated: execution, inference, management', scopeList)
    .option('--expires-in-days <n>', 'expire after n days (default: never)', intInRange(1, 3650))
    .action(async (opts: CreateOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: CreateOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const created = await client.createKey({
    name: opts.name,
    scopes: opts.scopes,
    expires_in_days: opts.expiresInDays,
  });
  printSecret(deps, created, 'Created key');
}
