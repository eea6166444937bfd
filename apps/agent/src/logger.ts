import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stderr: stdout stays free, and process supervisors collect stderr anyway. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'xem-agent' } }, pino.destination({ fd: 2, sync: true }));
}
