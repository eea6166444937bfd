import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { promptLine } from './prompt';

/** A fake terminal: what the test types goes to `input`, what the prompt prints to `output`. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString()));
  return {
    input: input as unknown as NodeJS.ReadStream,
    output: output as unknown as NodeJS.WriteStream,
    type: (keys: string) => input.write(keys),
    shown: () => shown,
  };
}

describe('promptLine', () => {
  it('returns the line exactly as typed: spaces, tabs and invisible characters kept, terminator dropped', async () => {
    for (const [keys, line] of [
      ['directory_purge \r', 'directory_purge '],
      [' directory_purge\r\n', ' directory_purge'],
      ['directory\tpurge\n', 'directory\tpurge'],
      ['directory_purge\u200b\r', 'directory_purge\u200b'],
      ['\r', ''],
    ] as const) {
      const t = terminal();
      const answer = promptLine(t.input, t.output, 'Type the tool name to confirm: ');
      t.type(keys);
      expect(await answer).toBe(line);
      expect(t.shown()).toContain('Type the tool name to confirm: ');
    }
  });

  it('applies line editing (backspace) before returning', async () => {
    const t = terminal();
    const answer = promptLine(t.input, t.output, '> ');
    t.type('directory_purgX\u007fe\r');
    expect(await answer).toBe('directory_purge');
  });

  it('cancels with exit code 130 on Ctrl-C and on Ctrl-D at an empty line', async () => {
    for (const keys of ['dir\u0003', '\u0004']) {
      const t = terminal();
      const answer = promptLine(t.input, t.output, '> ');
      t.type(keys);
      const err = await answer.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err).toMatchObject({ message: 'cancelled', exitCode: 130 });
      expect(t.shown().endsWith('\n')).toBe(true);
    }
  });
});
