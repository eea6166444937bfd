import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as answer from './answer';
import * as deleteChat from './delete';
import * as list from './list';
import * as newChat from './new';
import * as run from './run';
import * as send from './send';
import * as show from './show';
import * as watch from './watch';

export function chatCommand(make: MakeDeps): Command {
  return new Command('chat')
    .alias('chats')
    .description(
      'Chats in a workspace: messages, a model that calls tools, operator tool runs, answers (inference scope)',
    )
    .addCommand(newChat.command(make))
    .addCommand(send.command(make))
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(run.command(make))
    .addCommand(answer.command(make))
    .addCommand(watch.command(make))
    .addCommand(deleteChat.command(make));
}
