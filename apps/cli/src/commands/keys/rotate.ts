import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { printSecret } from './print-secret';

export interface RotateOptions {
  id: string;
  graceHours?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('rotate')
    .description('Issue a successor key; the old one keeps working for the grace period')
    .argument('<id>', 'key id (key_…)')
    .option(
      '--grace-hours <n>',
      'hours the old key stays valid, 0-720 (server default: 24)',
      intInRange(0, 720),
    )
    .action(async (id: string, opts: { graceHours?: number }, cmd: Command) =>
      run({ id, ...opts }, make(cmd)),
    );
}

export async function run(opts: RotateOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const body = opts.graceHours === undefined ? undefined : { grace_period_hours: opts.graceHours };
  const created = await client.rotateKey(opts.id, body);
  printSecret(deps, created, `Rotated ${opts.id}; new key`);
  if (!deps.out.isJson) {
    const grace = opts.graceHours ?? 24;
    deps.out.note(
      grace === 0 ? `${opts.id} stopped working now.` : `${opts.id} keeps working for ${grace} more hours.`,
    );
  }
}
