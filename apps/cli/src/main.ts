import { processIo } from './io';
import { runCli } from './run-cli';
import { CLI_VERSION } from './version';

// Piping into `head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  io: processIo(),
  env: process.env,
  version: CLI_VERSION,
});
