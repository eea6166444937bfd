import { UsageError } from './cli-error';
import type { Io } from './io';

/**
 * A password from stdin (`--…-stdin`, trailing newline dropped) or typed at a terminal prompt
 * with echo off. Never from a flag: flags end up in shell history and `ps`.
 */
export async function readSecret(
  io: Io,
  opts: { fromStdin: boolean; prompt: string; flag: string },
): Promise<string> {
  if (opts.fromStdin) {
    const text = (await io.stdin.readAll()).replace(/\r?\n$/, '');
    if (!text) throw new UsageError(`${opts.flag} was given but stdin was empty`);
    return text;
  }
  if (!io.stdin.isTTY)
    throw new UsageError(`stdin is not a terminal, so there is no one to ask; pass ${opts.flag}`);
  const typed = await io.prompt(opts.prompt, { secret: true });
  if (!typed) throw new UsageError('no password given');
  return typed;
}
