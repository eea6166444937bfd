import type { FastifyBaseLogger } from 'fastify';
import { RouterFrame } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { AGENT_CONTROL_CHANNEL, type AgentControlMessage } from './notify-agent';

/**
 * Forwards control notifications (`notifyAgent`) to the agents whose socket is on this
 * process; every replica receives every notification and ignores agents it does not hold.
 * Returns the unsubscribe function.
 */
export async function startAgentControl(
  deps: Pick<AppDeps, 'listen' | 'registry'>,
  log?: Pick<FastifyBaseLogger, 'warn'>,
): Promise<() => Promise<void>> {
  return deps.listen(AGENT_CONTROL_CHANNEL, (payload) => {
    const msg = parseControl(payload);
    if (!msg) {
      log?.warn({ payload: payload.slice(0, 200) }, 'ignoring a malformed agent control notification');
      return;
    }
    const socket = deps.registry.get(msg.agent_id);
    if (!socket) return;
    if (msg.frame) socket.send(msg.frame);
    if (msg.close) socket.close(msg.close.code, msg.close.reason);
  });
}

function parseControl(payload: string): AgentControlMessage | null {
  try {
    const raw = JSON.parse(payload) as Partial<AgentControlMessage>;
    if (typeof raw.agent_id !== 'string') return null;
    const frame = raw.frame == null ? null : RouterFrame.safeParse(raw.frame);
    if (frame && !frame.success) return null;
    const close = raw.close;
    if (close && (typeof close.code !== 'number' || typeof close.reason !== 'string')) return null;
    return { agent_id: raw.agent_id, frame: frame ? frame.data : null, ...(close ? { close } : {}) };
  } catch {
    return null;
  }
}
