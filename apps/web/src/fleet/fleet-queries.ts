import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { Agent, JoinKey, Tool, Workspace } from '@xem/protocol';
import { fetchAll } from '../fetch-all';
import { api } from '../ops-client';

export { fetchAll } from '../fetch-all';

/*
 * Query keys follow live/live-events.ts (keysFor): ox.agent.* refreshes ['agents'], ['agent', id]
 * and ['workspaces']; ox.workspace.* refreshes ['workspaces'] and ['workspace', id]; manifests
 * refresh ['tools']. Join keys have no live event: their mutations refresh ['join-keys'].
 */
export function useAgents() {
  return useQuery<Agent[]>({ queryKey: ['agents'], queryFn: () => fetchAll((q) => api.listAgents(q)) });
}

export function useAgent(agentId: string) {
  return useQuery<Agent>({ queryKey: ['agent', agentId], queryFn: () => api.getAgent(agentId) });
}

export function useWorkspaces() {
  return useQuery<Workspace[]>({
    queryKey: ['workspaces'],
    queryFn: () => fetchAll((q) => api.listWorkspaces(q)),
  });
}

export function useWorkspace(workspaceId: string) {
  return useQuery<Workspace>({
    queryKey: ['workspace', workspaceId],
    queryFn: () => api.getWorkspace(workspaceId),
  });
}

export function useTools() {
  return useQuery<Tool[]>({ queryKey: ['tools'], queryFn: () => fetchAll((q) => api.listTools(q)) });
}

export function useJoinKeys() {
  return useQuery<JoinKey[]>({
    queryKey: ['join-keys'],
    queryFn: () => fetchAll((q) => api.listJoinKeys(q)),
  });
}

/** Puts an agent a control returned into the cached list and detail at once (the event follows). */
export function storeAgent(qc: QueryClient, agent: Agent): void {
  qc.setQueryData<Agent[]>(['agents'], (list) => list?.map((a) => (a.id === agent.id ? agent : a)));
  qc.setQueryData(['agent', agent.id], agent);
  void qc.invalidateQueries({ queryKey: ['workspaces'] });
}

/** Tools an agent offers (the catalogue lists, per tool, the agents whose manifest has it). */
export function toolsOf(tools: readonly Tool[], agentId: string): Tool[] {
  return tools.filter((t) => t.agents.some((a) => a.id === agentId));
}

/** Whether the agent's lease has lapsed on the clock of this page while it still shows as live. */
export function leaseLapsed(agent: Agent, nowMs: number): boolean {
  if (agent.status !== 'online' && agent.status !== 'paused' && agent.status !== 'draining') return false;
  return agent.lease_expires_at !== null && Date.parse(agent.lease_expires_at) < nowMs;
}
