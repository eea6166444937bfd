import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { SmtpConfig } from '../config';
import type { Database } from '../db/schema';
import { claimDueMail, type OutboxRow } from './claim-due-mail';

/** What the mailer needs of a nodemailer transport. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    headers: Record<string, string>;
  }): Promise<unknown>;
}

const MAX_ERROR_CHARS = 1000;
const MAX_RETRY_DELAY_MS = 3_600_000;

/** Delay before retry `attempt` (1-based): base doubled each time, ±20 % jitter, capped at one hour. */
export function mailRetryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(Math.min(MAX_RETRY_DELAY_MS, exp * (0.8 + 0.4 * random())));
}

/** A 5xx SMTP reply is permanent (bad recipient, refused sender, failed login): retrying will not help. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends one batch of due messages: claims them, sends each over SMTP, and records the outcome —
 * `sent`, or back to `pending` with a later `next_attempt_at` and the error kept, or `failed`
 * after the last attempt or a permanent refusal. Returns how many were claimed.
 */
export async function sendDueMail(
  db: Kysely<Database>,
  transport: MailTransport,
  smtp: Pick<SmtpConfig, 'from' | 'maxAttempts' | 'retryBaseMs' | 'timeoutMs'>,
  batchSize: number,
  log?: Pick<FastifyBaseLogger, 'warn'>,
): Promise<number> {
  // An attempt is bounded by the connection, greeting and socket timeouts; the lease outlasts them.
  const leaseSeconds = Math.ceil((4 * smtp.timeoutMs) / 1000) + 5;
  const rows = await claimDueMail(db, batchSize, leaseSeconds);
  for (const row of rows) {
    try {
      await transport.sendMail({
        from: smtp.from,
        to: row.to_address,
        subject: row.subject,
        text: row.body,
        // RFC 3834: no auto-replies to notifications.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-XEM-Message-Id': row.id },
      });
      await db
        .updateTable('outbox_messages')
        .set({ status: 'sent', sent_at: sql<Date>`now()`, last_error: null })
        .where('id', '=', row.id)
        .execute();
    } catch (err) {
      await recordFailure(db, row, err, smtp, log);
    }
  }
  return rows.length;
}

async function recordFailure(
  db: Kysely<Database>,
  row: OutboxRow,
  err: unknown,
  smtp: Pick<SmtpConfig, 'maxAttempts' | 'retryBaseMs'>,
  log?: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_CHARS);
  const final = row.attempts >= smtp.maxAttempts || isPermanent(err);
  const delayMs = mailRetryDelayMs(row.attempts, smtp.retryBaseMs);
  await db
    .updateTable('outbox_messages')
    .set(
      final
        ? { status: 'failed', last_error: message }
        : {
            last_error: message,
            next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
          },
    )
    .where('id', '=', row.id)
    .execute();
  // The message itself may carry a one-time link: only its id is logged.
  log?.warn(
    { message_id: row.id, attempt: row.attempts, final, error: message },
    final ? 'e-mail failed for good' : 'e-mail failed; will retry',
  );
}
