import { XemApiError, XemStreamEndedError } from '@xem/client';
import { CommanderError } from 'commander';
import { CliError } from './cli-error';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH = 4;
/** A command that waits on an execution gave up while it was still in progress. */
export const EXIT_PENDING = 8;

/** Codes that mean the key itself is the problem, so signing in again is the way out. */
const KEY_PROBLEMS = new Set(['invalid_api_key', 'authentication_required']);

/** One mapping from whatever went wrong to the documented exit codes. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through the same path as parse errors.
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof XemApiError) return err.isAuthError ? EXIT_AUTH : EXIT_ERROR;
  // The server closed a stream for good because access ended: like a 401/403 at its start.
  if (err instanceof XemStreamEndedError) return err.isAuthEnd ? EXIT_AUTH : EXIT_ERROR;
  return EXIT_ERROR;
}

/** `error: <message> (code <code>, request <id>)`, without the parts that are unknown. */
export function describeError(err: unknown): string {
  if (err instanceof XemApiError) {
    const details = [`code ${err.code}`, err.requestId ? `request ${err.requestId}` : null].filter(Boolean);
    const hint = KEY_PROBLEMS.has(err.code)
      ? '\nhint: run "xeroctl auth login" or pass a valid --api-key'
      : '';
    return `error: ${err.message} (${details.join(', ')})${hint}`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
