import { XemApiError, type XemClient } from '@xem/client';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { agentFields } from './agent-columns';

export interface ShowOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show one agent: status, heartbeat, lease, workspaces and its tools')
    .argument('<id>', 'agent id (agt_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const agent = await client.getAgent(opts.id);
  if (deps.out.isJson) return deps.out.json(agent);
  const tools = await toolNames(client, agent.id);
  deps.out.record([...agentFields(agent), ['TOOL_NAMES', tools]], agent);
}

/**
 * The tool surface comes from the exec catalogue, which needs the `execution` scope; a
 * management-only key still gets the rest of the agent rather than an error.
 */
async function toolNames(client: XemClient, agentId: string): Promise<string[] | null> {
  try {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools({ limit: 500, cursor });
      for (const t of page.data) if (t.agents.some((a) => a.id === agentId)) names.push(t.name);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return names;
  } catch (err) {
    if (err instanceof XemApiError && err.isAuthError) return null;
    throw err;
  }
}
