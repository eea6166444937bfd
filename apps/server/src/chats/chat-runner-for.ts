import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { notifySettingsOf } from '../approvals/notify-stage';
import { ChatRunner } from './chat-runner';
import type { ChatsDeps } from './chats-service';

/** The chat runner of a server (started: it resumes lapsed turns) and what the routes need. */
export function chatRunnerFor(deps: AppDeps, log: FastifyBaseLogger): ChatsDeps {
  const runner = new ChatRunner({
    db: deps.db,
    config: deps.config,
    hub: deps.hub,
    instanceId: deps.instanceId,
    settings: {
      maxAttempts: deps.config.executionMaxAttempts,
      retryAfterSeconds: Math.max(1, Math.ceil((3 * deps.config.leaseRenewalIntervalMs) / 1000)),
      notify: notifySettingsOf(deps.config, log),
    },
    log,
  });
  runner.start();
  return { db: deps.db, runner, model: deps.config.model?.name ?? null };
}
