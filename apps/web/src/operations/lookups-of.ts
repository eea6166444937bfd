import type { Agent, Workspace } from '@xem/protocol';
import type { NameLookups } from './execution-columns';

/** Name lookups over the project's agents and workspaces (Map-backed: called per row). */
export function lookupsOf(
  agents: readonly Pick<Agent, 'id' | 'registration_name'>[],
  workspaces: readonly Pick<Workspace, 'id' | 'name'>[],
): NameLookups {
  const agentById = new Map(agents.map((a) => [a.id, a.registration_name]));
  const wsById = new Map(workspaces.map((w) => [w.id, w.name]));
  const wsByName = new Map(workspaces.map((w) => [w.name, w.id]));
  return {
    agentName: (id) => agentById.get(id) ?? id,
    workspaceName: (id) => wsById.get(id) ?? id,
    workspaceIdOf: (v) => (wsById.has(v) ? v : wsByName.get(v)),
  };
}
