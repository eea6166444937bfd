import { DelegationTier } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../../list-pages';
import { resolveMemberId } from '../members/resolve-member';
import { DELEGATION_COLUMNS } from './delegation-columns';

export interface ListOptions extends PageOptions {
  user?: string | undefined;
  tier?: DelegationTier | undefined;
  active?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List approval delegations, newest first (revoked and expired ones too, unless --active)')
    .option('--user <user-id>', 'only this user (usr_… or a member e-mail)')
    .addOption(new Option('--tier <tier>', 'only this tier').choices(DelegationTier.options))
    .option('--active', 'only live delegations: not revoked, not expired, grantee still a member')
    .option(
      '--limit <n>',
      'delegations per page, 1-500; without it every page is fetched',
      intInRange(1, 500),
    )
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const userId = opts.user === undefined ? undefined : await resolveMemberId(client, opts.user);
  const page = await fetchPages(opts, (q) =>
    client.listDelegations({
      ...q,
      user_id: userId,
      tier: opts.tier,
      active: opts.active ? true : undefined,
    }),
  );
  deps.out.list(page.data, DELEGATION_COLUMNS, page, 'No delegations.');
  noteMore(deps.out, page);
}
