import type { Io } from '../src/io';

export interface BufferIo extends Io {
  out(): string;
  err(): string;
  /** Questions asked through prompt(), in order, with whether echo was off. */
  asked: Array<{ question: string; secret: boolean }>;
  /** Ctrl-C: calls the handlers registered through onInterrupt. */
  interrupt(): void;
}

/** An Io over strings: stdout/stderr captured, stdin and prompt answers scripted. */
export function bufferIo(opts: { tty?: boolean; stdin?: string; answers?: string[] } = {}): BufferIo {
  let out = '';
  let err = '';
  const answers = [...(opts.answers ?? [])];
  const asked: BufferIo['asked'] = [];
  const tty = opts.tty ?? false;
  const interruptHandlers = new Set<() => void>();
  return {
    stdout: { write: (t) => void (out += t), isTTY: tty },
    stderr: { write: (t) => void (err += t), isTTY: tty },
    stdin: { isTTY: tty, readAll: async () => opts.stdin ?? '' },
    prompt: async (question, p) => {
      asked.push({ question, secret: p?.secret === true });
      return answers.shift() ?? '';
    },
    onInterrupt: (handler) => {
      interruptHandlers.add(handler);
      return () => void interruptHandlers.delete(handler);
    },
    interrupt: () => {
      for (const handler of [...interruptHandlers]) handler();
    },
    out: () => out,
    err: () => err,
    asked,
  };
}
