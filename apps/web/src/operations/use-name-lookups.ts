import { useQuery } from '@tanstack/react-query';
import type { List, PageQuery } from '@xem/client';
import type { Agent, Tool, Workspace } from '@xem/protocol';
import { useMemo } from 'react';
import { api } from '../ops-client';
import type { NameLookups } from './execution-columns';
import { lookupsOf } from './lookups-of';

/** Every page of a plain list route (agents, workspaces and tools are a few hundred at most). */
async function all<T>(list: (q: PageQuery) => Promise<List<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 500, cursor });
    out.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Agents, workspaces and tools of the project, for names in the table and the filter choices.
 * Keys sit under the families live-events.ts refreshes, so a renamed agent shows at once.
 */
export function useNameLookups(): {
  agents: Agent[];
  workspaces: Workspace[];
  tools: Tool[];
  names: NameLookups;
} {
  const agents = useQuery({
    queryKey: ['agents', 'all-for-operations'],
    queryFn: () => all((q) => api.listAgents(q)),
  });
  const workspaces = useQuery({
    queryKey: ['workspaces', 'all-for-operations'],
    queryFn: () => all((q) => api.listWorkspaces(q)),
  });
  const tools = useQuery({
    queryKey: ['tools', 'all-for-operations'],
    queryFn: () => all((q) => api.listTools(q)),
  });
  return useMemo(() => {
    const a = agents.data ?? [];
    const w = workspaces.data ?? [];
    return { agents: a, workspaces: w, tools: tools.data ?? [], names: lookupsOf(a, w) };
  }, [agents.data, workspaces.data, tools.data]);
}
