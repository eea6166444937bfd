import { createInterface } from 'node:readline/promises';
import type { ReadStream } from 'node:tty';
import { CliError } from './cli-error';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/**
 * Reads one line at the terminal and returns it exactly as typed (after line editing), without
 * its line terminator and without trimming: a typed confirmation must reach the server as it
 * was typed. Ctrl-C, or Ctrl-D on an empty line, cancels with the conventional exit code 130.
 */
export async function promptLine(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  const rl = createInterface({ input, output, terminal: true });
  // The cursor is still on the prompt's line: the error message should start on its own.
  const cancelled = () => {
    output.write('\n');
    return new CliError('cancelled', 130);
  };
  try {
    const interrupted = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(cancelled())));
    return await Promise.race([rl.question(question), interrupted]);
  } catch (err) {
    // readline rejects the question with an AbortError on Ctrl-D at an empty line.
    if (err instanceof Error && err.name === 'AbortError') throw cancelled();
    throw err;
  } finally {
    rl.close();
  }
}

/**
 * Reads a line with echo off: the terminal goes to raw mode, so we see each key and print
 * nothing back. Ctrl-C cancels with the conventional exit code 130.
 */
export function promptSecret(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  const tty = input as ReadStream;
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      input.off('data', onData);
      tty.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === CTRL_D) return finish();
        if (ch === CTRL_C) return finish(new CliError('cancelled', 130));
        if (BACKSPACES.has(ch)) value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    tty.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
