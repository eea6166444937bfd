import type { Agent } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `agents list` columns. */
export const AGENT_COLUMNS: Column<Agent>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'NAME', value: (a) => a.registration_name },
  { header: 'STATUS', value: (a) => a.status },
  { header: 'REGION', value: (a) => a.region },
  { header: 'VERSION', value: (a) => a.version },
  { header: 'TOOLS', value: (a) => a.tool_count },
  { header: 'IN_FLIGHT', value: (a) => `${a.in_flight}/${a.max_concurrency}` },
  { header: 'WORKSPACES', value: (a) => a.workspace_ids },
  { header: 'LAST_HEARTBEAT', value: (a) => a.last_heartbeat_at, time: true },
];

/** One agent as fields, for show and for what the changing verbs print. */
export function agentFields(a: Agent): Array<[string, CellValue]> {
  return [
    ['ID', a.id],
    ['NAME', a.registration_name],
    ['HOSTNAME', a.hostname],
    ['VERSION', a.version],
    ['REGION', a.region],
    ['DESCRIPTION', a.description],
    ['STATUS', a.status],
    ['STATUS_REASON', a.status_reason],
    ['IN_FLIGHT', `${a.in_flight}/${a.max_concurrency}`],
    ['TOOLS', a.tool_count],
    ['MANIFEST', a.manifest_hash ? `v${a.manifest_version} ${a.manifest_hash}` : null],
    ['WORKSPACES', a.workspace_ids],
    ['PAUSED_IN', a.paused_workspace_ids],
    ['LAST_HEARTBEAT', a.last_heartbeat_at],
    ['LEASE_EXPIRES', a.lease_expires_at],
    ['CREATED', a.created_at],
  ];
}
