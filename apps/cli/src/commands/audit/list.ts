import type { AuditListQuery } from '@xem/client';
import { AuditOutcome } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { parseTimeFlag } from '../../time-flag';

export interface ListOptions {
  action?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
  outcome?: AuditListQuery['outcome'];
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List audit entries, newest first')
    .option('--action <action>', 'only this action, e.g. member.add or api_key.rotate')
    .option('--actor <id>', 'only entries by this actor (a key id, user id or agent id)')
    .option('--target <id>', 'only entries about this object id')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(AuditOutcome.options))
    .option(
      '--since <time>',
      'from this time on: RFC 3339, a date, or a duration back from now (2h, 7d)',
      (v) => parseTimeFlag(v),
    )
    .option('--until <time>', 'before this time (same forms as --since)', (v) => parseTimeFlag(v))
    .option('--limit <n>', 'entries per page, 1-500 (default 100)', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await client.listAudit({
    action: opts.action,
    actor_id: opts.actor,
    target_id: opts.target,
    outcome: opts.outcome,
    since: opts.since,
    until: opts.until,
    limit: opts.limit,
    cursor: opts.after,
  });
  deps.out.list(
    page.data,
    [
      { header: 'SEQ', value: (e) => e.seq },
      { header: 'AT', value: (e) => e.at, time: true },
      { header: 'ACTION', value: (e) => e.action },
      { header: 'OUTCOME', value: (e) => e.outcome },
      { header: 'ACTOR', value: (e) => e.actor_id ?? e.actor_type },
      { header: 'VIA', value: (e) => e.via },
      { header: 'TARGET', value: (e) => e.target_id },
      { header: 'REQUEST', value: (e) => e.request_id },
    ],
    page,
    'No audit entries match.',
  );
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More entries: add --after ${page.next_cursor}`);
}
