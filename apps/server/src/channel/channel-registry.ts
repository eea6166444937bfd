import type { RouterFrame } from '@xem/protocol';

/** One connected agent's channel on this server process. */
export interface AgentSocket {
  agentId: string;
  projectId: string;
  /** Serialises and sends a frame; false when the socket is no longer open. */
  send(frame: RouterFrame): boolean;
  close(code: number, reason: string): void;
}

/**
 * The agents whose WebSocket ends on this process. Dispatch happens where the socket is, so
 * each replica only ever dispatches to the agents in its own registry. A newer connection of
 * the same agent replaces (and closes) the older one.
 */
export class ChannelRegistry {
  private readonly sockets = new Map<string, AgentSocket>();

  add(socket: AgentSocket): void {
    const old = this.sockets.get(socket.agentId);
    this.sockets.set(socket.agentId, socket);
    if (old && old !== socket) old.close(4000, 'replaced by a newer connection');
  }

  /** Removes the socket only if it is still the current one for its agent. */
  remove(socket: AgentSocket): void {
    if (this.sockets.get(socket.agentId) === socket) this.sockets.delete(socket.agentId);
  }

  get(agentId: string): AgentSocket | undefined {
    return this.sockets.get(agentId);
  }

  all(): AgentSocket[] {
    return [...this.sockets.values()];
  }

  get size(): number {
    return this.sockets.size;
  }
}
