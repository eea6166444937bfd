import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { WEBHOOK_COLUMNS } from './webhook-columns';

export type ListOptions = PageOptions;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the webhook endpoints of the project, newest first')
    .option('--limit <n>', 'endpoints per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.webhooks.list(q));
  deps.out.list(page.data, WEBHOOK_COLUMNS, page, 'No webhooks.');
  noteMore(deps.out, page);
}
