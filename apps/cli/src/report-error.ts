import { XemApiError, XemConnectionError } from '@xem/client';
import { CommanderError } from 'commander';
import { CliError } from './cli-error';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH = 4;

/** One mapping from whatever went wrong to the documented exit codes. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through the same path as parse errors.
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof XemApiError) return err.isAuthError ? EXIT_AUTH : EXIT_ERROR;
  return EXIT_ERROR;
}

/** `error: <message> (code <code>, request <id>)`, without the parts that are unknown. */
export function describeError(err: unknown): string {
  if (err instanceof XemApiError) {
    const details = [`code ${err.code}`, err.requestId ? `request ${err.requestId}` : null].filter(Boolean);
    const hint =
      err.isAuthError && err.status === 401
        ? '\nhint: run "xeroctl auth login" or pass a valid --api-key'
        : '';
    return `error: ${err.message} (${details.join(', ')})${hint}`;
  }
  if (err instanceof XemConnectionError || err instanceof CliError) return `error: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}
