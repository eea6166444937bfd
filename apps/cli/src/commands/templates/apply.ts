import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { parseDuration } from '../../duration-flag';
import { checkMessage, MESSAGE_FLAG_HELP, openedChat, TIMEOUT_FLAG_HELP } from '../chat/new';

export interface ApplyOptions {
  template: string;
  workspace: string;
  title?: string | undefined;
  message?: string | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('apply')
    .description("Open a chat from a template, pinned to the template's current version (inference scope)")
    .argument('<template>', 'template id (tpl_…) or name; the server picks the one usable in the workspace')
    .requiredOption('--workspace <id|name>', 'the workspace the chat acts in')
    .option('--title <text>', "the chat's title (default: set by the server)")
    .option('--message <text>', MESSAGE_FLAG_HELP)
    .option('--timeout <duration>', TIMEOUT_FLAG_HELP, parseDuration)
    .action(async (template: string, opts: Omit<ApplyOptions, 'template'>, cmd: Command) =>
      run({ template, ...opts }, make(cmd)),
    );
}

/** `POST …/workspaces/:id/chat-templates/:tid/apply`, then what `chat new` prints (openedChat). */
export async function run(opts: ApplyOptions, deps: Deps): Promise<void> {
  const message = checkMessage(opts);
  const client = await deps.projectClient();
  const chat = await client.templates.apply(opts.workspace, opts.template, { title: opts.title });
  await openedChat(deps, client, chat, message, opts.timeout);
}
