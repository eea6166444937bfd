import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config';
import type { Database } from '../db/schema';
import { startBatchSweeper } from '../loops/start-batch-sweeper';
import { sendDueMail } from './send-due-mail';

const BATCH = 20;

/**
 * Starts this process's mailer: every `intervalMs` it sends the due outbox messages over SMTP
 * (every replica may run one; claims never overlap). States: idle → sending a batch (again at
 * once while batches come back full) → idle; stop() waits for the batch in progress and closes
 * the transport.
 */
export function startMailer(
  db: Kysely<Database>,
  smtp: SmtpConfig,
  intervalMs: number,
  log?: Pick<FastifyBaseLogger, 'warn' | 'error'>,
): () => Promise<void> {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
  });
  const stop = startBatchSweeper({
    name: 'mailer',
    intervalMs,
    batchSize: BATCH,
    sweepBatch: () => sendDueMail(db, transport, smtp, BATCH, log),
    log,
  });
  return async () => {
    await stop();
    transport.close();
  };
}
