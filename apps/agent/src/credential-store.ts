import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from './write-private-file';

export const SavedCredential = z.object({
  agent_id: z.string().min(1),
  project_id: z.string().min(1),
  credential: z.string().min(1),
  expires_at: z.string(),
  /** When it was issued (agent clock), so a refresh can start at two thirds of its lifetime. */
  obtained_at: z.string(),
  /** A credential only counts for the router and name it was issued for. */
  router_url: z.string(),
  registration_name: z.string(),
});
export type SavedCredential = z.infer<typeof SavedCredential>;

/** The agent id and its bearer credential in `<state_dir>/credential.json`, mode 0600. */
export class CredentialStore {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'credential.json');
  }

  /** The saved credential for this router and name, or undefined (none, unreadable, or another router's). */
  load(routerUrl: string, registrationName: string): SavedCredential | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = SavedCredential.safeParse(json);
    if (!parsed.success) return undefined;
    const c = parsed.data;
    return c.router_url === routerUrl && c.registration_name === registrationName ? c : undefined;
  }

  save(credential: SavedCredential): void {
    writePrivateFile(this.path, `${JSON.stringify(credential, null, 2)}\n`);
  }
}
