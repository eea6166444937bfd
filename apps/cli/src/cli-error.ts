/** An error the CLI reports as `error: <message>` and ends with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Bad flags or arguments the parser could not catch (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, 2);
  }
}

/** No usable credentials before any request was sent (exit 4, like a 401 from the server). */
export class AuthError extends CliError {
  override name = 'AuthError';

  constructor(message: string) {
    super(message, 4);
  }
}
