import type { Kysely, Selectable } from 'kysely';
import type { Manifest, ManifestTool } from '@xem/protocol';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { canonicalJson } from '../audit/canonical-json';
import type { AgentToolsTable, Database } from '../db/schema';
import { appendEvent } from '../events/append-event';

export interface ManifestDelta {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface PublishedManifest {
  manifest: Manifest;
  manifestHash: string;
  manifestVersion: number;
}

/**
 * Replaces an agent's tools with those of a newly published manifest: `agent_tools` rows,
 * `agents.manifest*`, the `manifest.updated` event with the delta by tool name, and an audit
 * row. Call it in the lease renewal's transaction, with the agent row locked.
 */
export async function storeManifest(
  trx: Kysely<Database>,
  agent: { id: string; projectId: string },
  published: PublishedManifest,
  ctx: AuditContext,
): Promise<ManifestDelta> {
  const old = await trx.selectFrom('agent_tools').selectAll().where('agent_id', '=', agent.id).execute();
  const oldByName = new Map(old.map((t) => [t.name, canonicalJson(toolOfRow(t))]));
  const next = published.manifest.tools;
  const nextNames = new Set(next.map((t) => t.name));
  const delta: ManifestDelta = {
    added: next.filter((t) => !oldByName.has(t.name)).map((t) => t.name),
    removed: old.filter((t) => !nextNames.has(t.name)).map((t) => t.name),
    changed: next
      .filter((t) => oldByName.has(t.name) && oldByName.get(t.name) !== canonicalJson(t))
      .map((t) => t.name),
  };
  for (const list of Object.values(delta)) list.sort();

  if (delta.removed.length > 0) {
    await trx
      .deleteFrom('agent_tools')
      .where('agent_id', '=', agent.id)
      .where('name', 'in', delta.removed)
      .execute();
  }
  const upserts = next.filter((t) => delta.added.includes(t.name) || delta.changed.includes(t.name));
  if (upserts.length > 0) {
    await trx
      .insertInto('agent_tools')
      .values(upserts.map((t) => ({ ...t, agent_id: agent.id, params: JSON.stringify(t.params) })))
      .onConflict((oc) =>
        oc.columns(['agent_id', 'name']).doUpdateSet((eb) => ({
          description: eb.ref('excluded.description'),
          risk: eb.ref('excluded.risk'),
          domain: eb.ref('excluded.domain'),
          timeout_ms: eb.ref('excluded.timeout_ms'),
          idempotent: eb.ref('excluded.idempotent'),
          mcp_visible: eb.ref('excluded.mcp_visible'),
          params: eb.ref('excluded.params'),
          bundle: eb.ref('excluded.bundle'),
        })),
      )
      .execute();
  }
  await trx
    .updateTable('agents')
    .set({
      manifest: JSON.stringify(published.manifest),
      manifest_hash: published.manifestHash,
      manifest_version: published.manifestVersion,
    })
    .where('id', '=', agent.id)
    .execute();

  const payload = {
    agent_id: agent.id,
    manifest_hash: published.manifestHash,
    manifest_version: published.manifestVersion,
    ...delta,
  };
  await appendEvent(trx, agent.projectId, 'manifest.updated', payload);
  await appendAudit(trx, agent.projectId, ctx, {
    action: 'manifest.updated',
    targetType: 'agent',
    targetId: agent.id,
    after: payload,
  });
  return delta;
}

// A stored row compares equal to the manifest entry it was written from.
function toolOfRow(t: Selectable<AgentToolsTable>): ManifestTool {
  const { agent_id: _agentId, ...tool } = t;
  return tool as ManifestTool;
}
