import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { startDispatcher } from '../executions/dispatcher';
import { startExecutionSweeper } from '../executions/execution-sweeper';
import { startWebhookLoops } from '../webhooks/start-webhook-loops';
import { startAgentControl } from './start-agent-control';
import { startLeaseSweeper } from './start-lease-sweeper';

/**
 * Starts this process's fleet loops (agent control forwarding, lease sweeper, execution timeout
 * sweeper, dispatcher, webhook fan-out and sender) once the server listens; the returned function
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
  const stopWebhooks = await startWebhookLoops(deps, log);
  return async () => {
    await Promise.all([
      stopDispatcher(),
      stopExecutionSweeper(),
      stopLeaseSweeper(),
      stopControl(),
      stopWebhooks(),
    ]);
  };
}
