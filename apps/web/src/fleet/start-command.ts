import { RegistrationName } from '@xem/protocol';

/** A valid agent name from the key's name (`Rack 4` → `rack-4`), else a neutral one (as xeroctl does). */
export function registrationName(keyName: string): string {
  const slug = keyName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '');
  return slug && RegistrationName.safeParse(slug).success ? slug : 'agent-1';
}

/**
 * The command that starts `xem-agent` with a join key, from a checkout of this repository after
 * `npm install` (docs/fleet.md): the router is this dashboard's server; tools come from the
 * bundles shipped in the repository unless XEM_TOOLS_DIR says otherwise.
 */
export function startCommand(routerUrl: string, joinKey: string, keyName: string): string {
  return `XEM_ROUTER_URL=${routerUrl} XEM_JOIN_KEY=${joinKey} XEM_REGISTRATION_NAME=${registrationName(keyName)} npx xem-agent`;
}
