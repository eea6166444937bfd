import { DelegationTier } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { parseTimeFlag } from '../../../time-flag';
import { resolveMemberId } from '../members/resolve-member';
import { DELEGATION_COLUMNS } from './delegation-columns';

export interface GrantOptions {
  user: string;
  tier: DelegationTier;
  until?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('grant')
    .description(
      'Owners only: let a member approve requests of one risk tier (irreversible also covers destructive)',
    )
    .argument('<user-id>', 'user id (usr_…) or the member e-mail; must have the role member')
    .addOption(
      new Option('--tier <tier>', 'risk tier to delegate')
        .choices(DelegationTier.options)
        .makeOptionMandatory(),
    )
    .option(
      '--until <time>',
      'end of the delegation: an RFC 3339 time, a date (midnight UTC) or a duration from now like 8h or 7d; default: until revoked',
      (v) => parseTimeFlag(v, new Date(), 'ahead'),
    )
    .action(async (user: string, opts: Omit<GrantOptions, 'user'>, cmd: Command) =>
      run({ user, ...opts }, make(cmd)),
    );
}

export async function run(opts: GrantOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const userId = await resolveMemberId(client, opts.user);
  const d = await client.grantDelegation({ user_id: userId, tier: opts.tier, expires_at: opts.until });
  deps.out.list([d], DELEGATION_COLUMNS, d);
  if (deps.out.isJson) return;
  const covers = d.tier === 'irreversible' ? 'irreversible and destructive' : 'destructive';
  deps.out.note(
    `${d.email} may now approve ${covers} requests ${d.expires_at ? `until ${d.expires_at}` : 'until revoked'} (${d.id}).`,
  );
}
