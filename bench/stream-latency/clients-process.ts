import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromClients, ToClients } from './clients-messages';

const ENTRY = fileURLToPath(new URL('./sse-clients.ts', import.meta.url));
const now = (): number => performance.timeOrigin + performance.now();

export type Received = Extract<FromClients, { type: 'received' }>;

/** The runner's handle on the forked SSE clients process (see sse-clients.ts for its states). */
export interface ClientsProcess {
  /** Opens `clients` streams at `url`; resolves with how long that took, in ms. */
  open(url: string, apiKey: string, clients: number): Promise<number>;
  /**
   * Estimated clock offset of the clients process (its clock minus ours) from the ping with the
   * shortest round trip, and that round trip; both in ms.
   */
  clockSkew(pings?: number): Promise<{ skewMs: number; rttMs: number }>;
  collect(ids: string[], timeoutMs: number): Promise<Received>;
  stop(): Promise<void>;
}

export function startClientsProcess(): ClientsProcess {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  let waiter: {
    type: FromClients['type'];
    resolve: (m: FromClients) => void;
    reject: (e: Error) => void;
  } | null = null;

  child.on('message', (m: FromClients) => {
    const w = waiter;
    if (m.type === 'failed') {
      waiter = null;
      w?.reject(new Error(`SSE clients process: ${m.message}`));
    } else if (w && m.type === w.type) {
      waiter = null;
      w.resolve(m);
    }
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
    waiter?.reject(new Error('the SSE clients process exited'));
  });

  /** Sends one message and waits for the answer of type `type` (one conversation at a time). */
  const ask = <T extends FromClients['type']>(
    message: ToClients,
    type: T,
  ): Promise<Extract<FromClients, { type: T }>> =>
    new Promise((resolve, reject) => {
      if (gone) return reject(new Error('the SSE clients process exited'));
      waiter = { type, resolve: resolve as (m: FromClients) => void, reject };
      child.send(message);
    });

  return {
    async open(url, apiKey, clients) {
      const m = await ask({ type: 'open', url, apiKey, clients, openConcurrency: 50 }, 'ready');
      return m.openMs;
    },
    async clockSkew(pings = 20) {
      let best = { skewMs: 0, rttMs: Infinity };
      for (let i = 0; i < pings; i++) {
        const m = await ask({ type: 'ping', sentAt: now() }, 'pong');
        const back = now();
        const rttMs = back - m.sentAt;
        if (rttMs < best.rttMs) best = { skewMs: m.clientAt - (m.sentAt + back) / 2, rttMs };
      }
      return best;
    },
    collect(ids, timeoutMs) {
      return ask({ type: 'collect', ids, timeoutMs }, 'received');
    },
    async stop() {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
