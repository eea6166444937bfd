import type { Kysely } from 'kysely';
import type { ChannelRegistry } from './channel/channel-registry';
import type { Config } from './config';
import type { Listen } from './db/listen';
import type { Database } from './db/schema';
import type { EventHub } from './events/event-hub';
import type { PasswordHasher } from './identity/password';

/** Everything a route needs, built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  hasher: PasswordHasher;
  /** LISTEN on a database notification channel (one connection per process). */
  listen: Listen;
  /** Agents whose channel ends on this process. */
  registry: ChannelRegistry;
  /** Fans new events out to this process's streams and webhook fan-out. */
  hub: EventHub;
  /** Identifies this server process among replicas (agents.connected_to). */
  instanceId: string;
  /** False until migrations ran and background loops started; /readyz answers 503 until then. */
  isReady?: () => boolean;
}
