import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { parseDuration } from '../../duration-flag';
import { checkMessage } from './new';
import { DEFAULT_TURN_TIMEOUT_MS, streamTurn } from './stream-turn';
import { Transcript } from './transcript';

export interface SendOptions {
  chat: string;
  text: string[];
  wait?: boolean | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('send')
    .description(
      "Send a message and stream the turn it starts: the model's answers, tool calls and results (exit 8 when it waits for an approval)",
    )
    .argument('<chat>', 'chat id (chat_…)')
    .argument('<text...>', 'the message; several words are joined with spaces')
    .option('--no-wait', 'only store the message (the turn runs on the server); print it and exit')
    .option(
      '--timeout <duration>',
      'stop following the turn after this long (exit 8), e.g. 90s or 10m (default 5m)',
      parseDuration,
    )
    .action(async (chat: string, text: string[], opts: Omit<SendOptions, 'chat' | 'text'>, cmd: Command) =>
      run({ chat, text, ...opts }, make(cmd)),
    );
}

export async function run(opts: SendOptions, deps: Deps): Promise<void> {
  if (opts.wait === false && opts.timeout !== undefined) {
    throw new UsageError('--timeout follows the turn; it cannot go with --no-wait');
  }
  const content = checkMessage({ message: opts.text.join(' ') })!;
  const client = await deps.projectClient();
  if (opts.wait === false) {
    const accepted = await client.chats.send(opts.chat, content);
    if (deps.out.isJson) return deps.out.json(accepted);
    for (const line of new Transcript(opts.chat).message(accepted.message)) deps.out.line(line);
    deps.out.note(
      `Stored as message ${accepted.message.seq}; the chat is ${accepted.chat.turn_status}. Follow it with "xeroctl chat watch ${opts.chat}".`,
    );
    return;
  }
  // Read first: a chat that does not exist is a plain 404, and whether a model answers is known.
  const chat = await client.chats.get(opts.chat);
  await streamTurn(deps, client, chat, content, opts.timeout ?? DEFAULT_TURN_TIMEOUT_MS);
}
