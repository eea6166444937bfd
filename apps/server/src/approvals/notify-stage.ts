import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { newId } from '../ids';
import { approvalMail, type ApprovalMailFacts } from './approval-mail';
import { stageOf } from './approval-view';
import { mintLinkToken } from './link-token';
import { stageRecipients } from './stage-recipients';

export interface NotifySettings {
  /** XEM_BASE_URL: every URL in a message is built from it, never from a request's Host header. */
  baseUrl: string;
  /** Without it no link is minted; external reviewers are told links are disabled. */
  linkSecret: string | undefined;
  /** With SMTP the rows are `pending` for the mailer; without it `unsent`, to be read in the outbox. */
  smtp: boolean;
  log?: Pick<FastifyBaseLogger, 'warn'> | undefined;
}

export function notifySettingsOf(
  config: Pick<Config, 'baseUrl' | 'approvalLinkSecret' | 'smtp'>,
  log?: Pick<FastifyBaseLogger, 'warn'>,
): NotifySettings {
  return { baseUrl: config.baseUrl, linkSecret: config.approvalLinkSecret, smtp: config.smtp !== null, log };
}

/**
 * Writes the e-mails of an approval's current stage to the outbox, in the caller's transaction
 * (the approval's creation or its escalation): one message per recipient. Members get the
 * dashboard URL and the xeroctl commands; external reviewers get a one-time link minted for
 * them and this stage. Returns how many messages were written.
 */
export async function notifyStage(
  trx: Kysely<Database>,
  settings: NotifySettings,
  approvalId: string,
): Promise<number> {
  const row = await trx
    .selectFrom('approvals as a')
    .innerJoin('executions as e', 'e.id', 'a.execution_id')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .leftJoin('users as u', 'u.id', 'a.requested_by_user')
    .selectAll('a')
    .select([
      'e.args',
      'e.source',
      'w.name as workspace_name',
      'p.name as project_name',
      'u.email as requester',
    ])
    .where('a.id', '=', approvalId)
    .executeTakeFirst();
  if (!row || row.status !== 'pending') return 0;

  const recipients = await stageRecipients(trx, row);
  if (recipients.length === 0) return 0;
  const stage = stageOf(row);
  const facts: ApprovalMailFacts = {
    approvalId: row.id,
    projectName: row.project_name,
    workspaceName: row.workspace_name,
    tool: row.tool,
    risk: row.risk,
    args: row.args,
    requestedBy: row.requester
      ? `${row.requester} (${row.source})`
      : `API key ${row.requested_by_key ?? 'unknown'} (${row.source})`,
    stageIndex: row.stage_index,
    stageCount: stage.count,
    requiredApprovals: stage.requiredApprovals,
    deadline: row.stage_deadline_at,
  };
  const dashboardUrl = `${settings.baseUrl}/ops/approvals/${encodeURIComponent(row.id)}`;
  let withoutLink = 0;
  const messages = [];
  for (const r of recipients) {
    let linkUrl: string | null = null;
    if (r.external && settings.linkSecret !== undefined) {
      const token = await mintLinkToken(trx, settings.linkSecret, row, r.email);
      linkUrl = `${settings.baseUrl}/ops/approval/${encodeURIComponent(row.id)}?token=${token}`;
    }
    const linksDisabled = r.external && linkUrl === null;
    if (linksDisabled) withoutLink++;
    const mail = approvalMail(facts, {
      linkUrl,
      linksDisabled,
      dashboardUrl: r.userId !== null ? dashboardUrl : null,
    });
    messages.push({
      id: newId('msg'),
      project_id: row.project_id,
      kind: linkUrl !== null ? 'approval.link' : 'approval.request',
      to_address: r.email,
      subject: mail.subject,
      body: mail.text,
      status: settings.smtp ? 'pending' : 'unsent',
    });
  }
  await trx.insertInto('outbox_messages').values(messages).execute();
  if (withoutLink > 0) {
    settings.log?.warn(
      { approval_id: row.id, reviewers: withoutLink },
      'external reviewers were notified without a link: XEROTIER_APPROVAL_LINK_SECRET is not set',
    );
  }
  return messages.length;
}
