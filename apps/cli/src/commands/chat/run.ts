import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { parseDuration } from '../../duration-flag';
import { buildToolArgs, collectArg, type ArgPairs } from '../exec/tool-args';
import { runToolFollowing } from './follow-tool-run';
import { DEFAULT_TURN_TIMEOUT_MS } from './stream-turn';

export interface RunOptions {
  chat: string;
  tool: string;
  arg?: ArgPairs | undefined;
  argsJson?: string | undefined;
  argsFile?: string | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('run')
    .description(
      "Run one of the chat's allowed tools as an operator and print its result (exit 1 unless it completed, 8 when it waits for an approval)",
    )
    .argument('<chat>', 'chat id (chat_…)')
    .argument('<tool>', 'tool name, e.g. system_info')
    .option(
      '--arg <key=value>',
      'one argument; numbers, true/false and null are typed (repeatable)',
      collectArg,
    )
    .option('--args-json <json>', 'all arguments as a JSON object; --arg values override')
    .option('--args-file <file>', 'arguments as a JSON object from a file, - for stdin')
    .option(
      '--timeout <duration>',
      'stop waiting for the result after this long (exit 8), e.g. 90s or 10m (default 5m)',
      parseDuration,
    )
    .action(async (chat: string, tool: string, opts: Omit<RunOptions, 'chat' | 'tool'>, cmd: Command) =>
      run({ chat, tool, ...opts }, make(cmd)),
    );
}

export async function run(opts: RunOptions, deps: Deps): Promise<void> {
  const args = await buildToolArgs(opts, () => deps.io.stdin.readAll());
  const client = await deps.projectClient();
  const timeoutMs = opts.timeout ?? DEFAULT_TURN_TIMEOUT_MS;
  await runToolFollowing(deps, client, opts.chat, opts.tool, args, timeoutMs);
}
