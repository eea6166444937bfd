import type { Kysely } from 'kysely';
import type { Config } from './config';
import type { Database } from './db/schema';
import type { PasswordHasher } from './identity/password';

/** Everything a route needs, built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  hasher: PasswordHasher;
  /** False until migrations ran and background loops started; /readyz answers 503 until then. */
  isReady?: () => boolean;
}
