import { readFileSync } from 'node:fs';

/** The version in apps/cli/package.json; sent in the User-Agent so the server can tell CLI calls apart. */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function userAgent(version: string): string {
  return `xeroctl/${version} (node ${process.versions.node}; ${process.platform})`;
}
