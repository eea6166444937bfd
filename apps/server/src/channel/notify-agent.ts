import { sql, type Kysely } from 'kysely';
import type { RouterFrame } from '@xem/protocol';
import type { Database } from '../db/schema';

/** Channel carrying control frames to whichever replica holds an agent's socket. */
export const AGENT_CONTROL_CHANNEL = 'xem_agent_control';

export interface AgentControlMessage {
  agent_id: string;
  /** A frame to forward to the agent, or `close` to end its channel (credentials revoked). */
  frame: RouterFrame | null;
  close?: { code: number; reason: string };
}

/**
 * Asks the replica holding the agent's socket to forward a frame (pause, resume, drain, cancel)
 * or to close the channel. Sent in the caller's transaction: delivered only on commit.
 * Payloads stay far below PostgreSQL's 8000-byte NOTIFY limit (no args, no output).
 */
export async function notifyAgent(trx: Kysely<Database>, msg: AgentControlMessage): Promise<void> {
  await sql`SELECT pg_notify(${AGENT_CONTROL_CHANNEL}, ${JSON.stringify(msg)})`.execute(trx);
}

/** Channel announcing that queued work may be dispatchable (payload: workspace id or empty). */
export const DISPATCH_CHANNEL = 'xem_dispatch';

export async function notifyDispatch(trx: Kysely<Database>, workspaceId: string): Promise<void> {
  await sql`SELECT pg_notify(${DISPATCH_CHANNEL}, ${workspaceId})`.execute(trx);
}
