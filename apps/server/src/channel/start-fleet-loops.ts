import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { startApprovalSweeper } from '../approvals/approval-sweeper';
import { notifySettingsOf, notifyStage } from '../approvals/notify-stage';
import { startDispatcher } from '../executions/dispatcher';
import { startExecutionSweeper } from '../executions/execution-sweeper';
import { startMailer } from '../mail/start-mailer';
import { startWebhookLoops } from '../webhooks/start-webhook-loops';
import { startAgentControl } from './start-agent-control';
import { startLeaseSweeper } from './start-lease-sweeper';

/**
 * Starts this process's fleet loops (agent control forwarding, lease sweeper, execution timeout
 * sweeper, dispatcher, approval sweeper notifying each new stage's approvers, the mailer when
 * SMTP is configured, webhook fan-out and sender) once the server listens; the returned function
 * stops them and waits for work in progress.
 */
export async function startFleetLoops(
  deps: AppDeps,
  log?: Pick<FastifyBaseLogger, 'warn' | 'error'>,
): Promise<() => Promise<void>> {
  const stopControl = await startAgentControl(deps, log);
  const stopLeaseSweeper = startLeaseSweeper(deps, log);
  const stopExecutionSweeper = startExecutionSweeper(deps, log);
  const stopDispatcher = startDispatcher(deps, log);
  const notify = notifySettingsOf(deps.config, log);
  const stopApprovalSweeper = startApprovalSweeper(
    deps,
    async (trx, approvalId) => void (await notifyStage(trx, notify, approvalId)),
    log,
  );
  const smtp = deps.config.smtp;
  const stopMailer = smtp
    ? startMailer(deps.db, smtp, deps.config.dispatchPollIntervalMs, log)
    : async () => {};
  const stopWebhooks = await startWebhookLoops(deps, log);
  return async () => {
    await Promise.all([
      stopMailer(),
      stopDispatcher(),
      stopExecutionSweeper(),
      stopLeaseSweeper(),
      stopControl(),
      stopApprovalSweeper(),
      stopWebhooks(),
    ]);
  };
}
