import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Unlisten = () => Promise<void>;
/** Subscribes to a NOTIFY channel; the callback gets the payload text. */
export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<Unlisten>;

/**
 * One dedicated PostgreSQL connection per process carries every LISTEN. States: connecting →
 * listening → (connection lost) → reconnecting with backoff → listening. Notifications sent
 * while it was down are lost; callers keep a slow poll as a backstop for exactly that.
 */
export interface Listener {
  listen: Listen;
  /** Ends the listening connection and stops reconnecting. */
  close(): Promise<void>;
}

export function pgListener(connectionString: string): Listener {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let backoffMs = 100;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      for (;;) {
        const c = new pg.Client({ connectionString });
        try {
          await c.connect();
          c.on('notification', (n) => {
            for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
          });
          c.on('error', () => {
            client = null;
            connecting = null;
            void c.end().catch(() => {});
            if (!closed && handlers.size > 0) setTimeout(() => void connect(), backoffMs).unref();
          });
          for (const ch of handlers.keys()) await c.query(`LISTEN "${ch}"`);
          backoffMs = 100;
          client = c;
          return c;
        } catch {
          void c.end().catch(() => {});
          if (closed) throw new Error('listener closed');
          await new Promise((r) => setTimeout(r, backoffMs).unref());
          backoffMs = Math.min(backoffMs * 2, 5000);
        }
      }
    })();
    return connecting;
  };

  const listen: Listen = async (channel, onPayload) => {
    if (closed) throw new Error('listener closed');
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = handlers.get(channel);
    const fresh = !set;
    if (!set) handlers.set(channel, (set = new Set()));
    set.add(onPayload);
    const c = client ?? (await connect());
    if (fresh && c === client) await c.query(`LISTEN "${channel}"`);
    return async () => {
      set.delete(onPayload);
      if (set.size > 0) return;
      handlers.delete(channel);
      await client?.query(`UNLISTEN "${channel}"`).catch(() => {});
    };
  };
  const close = async () => {
    closed = true;
    handlers.clear();
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
  return { listen, close };
}

/**
 * PGlite delivers notifications in process; no extra connection is involved. Its LISTEN and
 * UNLISTEN run on the instance itself, outside the pg driver, while the driver sends each query
 * as several protocol messages (parse, bind, execute, sync) that PGlite runs one at a time: a
 * statement slipped in between replaces the unnamed prepared statement and the driver's query
 * fails ("unnamed prepared statement does not exist"). So they run while holding the pool's only
 * client, when no driver query is in flight. Never call listen inside a transaction (it waits
 * for the client that transaction holds).
 */
export function pgliteListener(pglite: PGlite, pool: pg.Pool): Listener {
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn();
    } finally {
      client.release();
    }
  };
  return {
    listen: async (channel, onPayload) => {
      const unsub = await exclusive(() => pglite.listen(channel, onPayload));
      return () => exclusive(unsub);
    },
    // PGlite's subscriptions end with the instance.
    close: async () => {},
  };
}
