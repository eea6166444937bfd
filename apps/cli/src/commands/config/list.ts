import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export type ListOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List contexts (API keys shown by prefix only)')
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

/** Enough of a key to recognise it, never enough to use it. */
export function maskKey(key: string | undefined): string | null {
  if (!key) return null;
  const m = /^(xero_[a-z0-9-]+_)(.{4})/.exec(key);
  return m ? `${m[1]}${m[2]}…` : `${key.slice(0, 4)}…`;
}

export async function run(_opts: ListOptions, deps: Deps): Promise<void> {
  const data = deps.config.load();
  const rows = Object.entries(data.contexts).map(([name, c]) => ({
    current: name === data.current_context,
    name,
    base_url: c.base_url ?? null,
    project_id: c.project_id ?? null,
    project_slug: c.project_slug ?? null,
    api_key: maskKey(c.api_key),
  }));
  deps.out.list(
    rows,
    [
      { header: 'CURRENT', value: (r) => r.current },
      { header: 'NAME', value: (r) => r.name },
      { header: 'BASE_URL', value: (r) => r.base_url },
      { header: 'PROJECT', value: (r) => r.project_slug ?? r.project_id },
      { header: 'API_KEY', value: (r) => r.api_key },
    ],
    { current_context: data.current_context ?? null, contexts: rows },
    `No contexts in ${deps.config.path}; create one with "xeroctl config init" or "xeroctl auth login".`,
  );
}
