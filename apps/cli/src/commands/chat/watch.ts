import type { StreamStatus } from '@xem/client';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { formatFrameJson, Transcript } from './transcript';

export interface WatchOptions {
  chat: string;
  json?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('watch')
    .description("Print a chat's messages, questions and turn changes as they happen, until Ctrl-C")
    .argument('<chat>', 'chat id (chat_…)')
    .option('--json', 'one JSON object per line, {"id", "event", "data"} (same as -o json)')
    .action(async (chat: string, opts: Omit<WatchOptions, 'chat'>, cmd: Command) =>
      run({ chat, ...opts }, make(cmd)),
    );
}

/**
 * Follows `GET …/chats/:id/stream` (it never polls): messages and questions as transcript lines
 * on stdout, turn changes and the connection on stderr. Reconnecting and resuming after the
 * last event are the stream client's job. Runs until Ctrl-C (exit 0) or until the server
 * refuses or ends the stream for good (a deleted chat: 404, exit 1).
 */
export async function run(opts: WatchOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const json = opts.json === true || deps.out.isJson;
  const transcript = new Transcript(opts.chat);
  let wasLive = false;
  const onStatus = (s: StreamStatus) => {
    if (s.state === 'live') {
      if (!wasLive) deps.out.note(`watch: connected, following chat ${opts.chat} (Ctrl-C to stop)`);
      else
        deps.out.note(`watch: live again${s.lastEventId ? ` (resumed after event ${s.lastEventId})` : ''}`);
      wasLive = true;
    } else if (s.state === 'reconnecting' || s.state === 'offline') {
      deps.out.note(describeStreamRetry('watch', s));
    }
  };
  const stream = client.chats.stream(opts.chat, {
    onStatus,
    onEvent: (e) => {
      if (e.event === 'chat.connection.resync') {
        deps.out.note(
          `watch: events after ${e.data.last_event_id} are no longer kept; some were missed (see "xeroctl chat show ${opts.chat}")`,
        );
      } else if (e.event.startsWith('chat.connection.')) {
        return;
      } else if (json) {
        deps.out.line(formatFrameJson(e));
      } else if (e.event === 'chat.turn') {
        const error = e.data.error ? `: ${e.data.error.message} (${e.data.error.code})` : '';
        deps.out.note(`watch: turn ${e.data.turn_status}${error}`);
      } else {
        for (const line of transcript.event(e)) deps.out.line(line);
      }
    },
  });
  const stopListening = deps.io.onInterrupt(() => stream.close());
  try {
    await stream.done;
  } finally {
    stopListening();
  }
}
