import { promptLine, promptSecret } from './prompt';

export interface OutStream {
  write(text: string): void;
  isTTY: boolean;
}

/** Everything a command touches of the terminal, so commands can run against buffers in tests. */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: {
    isTTY: boolean;
    /** The whole of stdin, for `--password-stdin`. */
    readAll(): Promise<string>;
  };
  /**
   * Asks on stderr and reads one line from the terminal, returned exactly as typed (no trimming;
   * the line terminator dropped); `secret` turns echo off. Ctrl-C rejects with exit code 130.
   */
  prompt(question: string, opts?: { secret?: boolean }): Promise<string>;
  /**
   * Ctrl-C (SIGINT) calls `handler` instead of ending the process, until the returned function
   * is called: for commands that run until stopped and should then exit normally.
   */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): Io {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    stdin: {
      isTTY: process.stdin.isTTY === true,
      readAll: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
        return Buffer.concat(chunks).toString('utf8');
      },
    },
    prompt: (question, opts) =>
      opts?.secret
        ? promptSecret(process.stdin, process.stderr, question)
        : promptLine(process.stdin, process.stderr, question),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  };
}
