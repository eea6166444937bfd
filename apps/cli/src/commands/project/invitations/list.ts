import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../../list-pages';

export type ListOptions = PageOptions;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List pending invitations')
    .option(
      '--limit <n>',
      'invitations per page, 1-500; without it every page is fetched',
      intInRange(1, 500),
    )
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.listInvitations(q));
  deps.out.list(
    page.data,
    [
      { header: 'ID', value: (i) => i.id },
      { header: 'EMAIL', value: (i) => i.email },
      { header: 'ROLE', value: (i) => i.role },
      { header: 'INVITED_BY', value: (i) => i.invited_by },
      { header: 'CREATED', value: (i) => i.created_at, time: true },
      { header: 'EXPIRES', value: (i) => i.expires_at, time: true },
    ],
    page,
    'No pending invitations.',
  );
  noteMore(deps.out, page);
}
