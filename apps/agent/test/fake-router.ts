import { createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { refreshMessage, type AgentFrame, type RouterFrame } from '@xem/protocol';

/**
 * A stand-in router speaking the agent protocol over a real socket: it records every frame and
 * lets each test decide what to answer. Credentials it accepts are in `valid`.
 */
export class FakeRouter {
  readonly frames: AgentFrame[] = [];
  readonly valid = new Set<string>();
  readonly seenAuth: string[] = [];
  readonly enrollments: Record<string, unknown>[] = [];
  socket: WebSocket | undefined;
  welcome = { lease_ttl_ms: 3000, lease_renewal_interval_ms: 100 };
  ackLeases = true;
  publicKey = '';
  private server!: Server;
  private wss = new WebSocketServer({ noServer: true });
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.http(req, res));
    this.server.on('upgrade', (req, sock, head) => {
      const auth = req.headers.authorization ?? '';
      this.seenAuth.push(auth);
      if (!this.valid.has(auth.replace(/^Bearer /, ''))) {
        sock.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, sock, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  private accept(ws: WebSocket) {
    this.socket = ws;
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as AgentFrame;
      this.frames.push(f);
      if (f.type === 'lease_renewal' && this.ackLeases)
        this.send({ type: 'lease_ack', lease_ttl_ms: this.welcome.lease_ttl_ms });
      for (const w of this.waiters.splice(0)) w();
    });
    this.send({ type: 'welcome', agent_id: 'agt_1', paused: false, ...this.welcome });
  }

  private async http(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    for await (const c of req) body += c;
    const json = JSON.parse(body || '{}');
    const answer = (status: number, payload: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    if (req.url === '/v1/enroll') {
      this.enrollments.push(json);
      if (json.join_key !== 'xjk_good')
        return answer(401, { error: { code: 'invalid_join_key', message: 'join key is not valid' } });
      this.publicKey = json.public_key;
      this.valid.add('xac_enrolled');
      return answer(201, {
        agent_id: 'agt_1',
        project_id: 'prj_1',
        credential: 'xac_enrolled',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        lease_renewal_interval_ms: 100,
      });
    }
    if (req.url === '/v1/enroll/challenge')
      return answer(200, { challenge: 'chal-1', expires_at: new Date().toISOString() });
    if (req.url === '/v1/enroll/refresh') {
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: this.publicKey }, format: 'jwk' });
      const ok = verify(
        null,
        Buffer.from(refreshMessage(json.agent_id, json.challenge)),
        pub,
        Buffer.from(json.signature, 'base64url'),
      );
      if (!ok) return answer(401, { error: { code: 'invalid_signature', message: 'bad signature' } });
      this.valid.add('xac_refreshed');
      return answer(200, {
        agent_id: json.agent_id,
        project_id: 'prj_1',
        credential: 'xac_refreshed',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        lease_renewal_interval_ms: 100,
      });
    }
    answer(404, { error: { code: 'not_found', message: req.url } });
  }

  send(f: RouterFrame) {
    this.socket?.send(JSON.stringify(f));
  }

  /** Waits until a frame matching `pred` arrived (searching from `from`). */
  async waitFor<T extends AgentFrame>(
    pred: (f: AgentFrame) => f is T,
    from = 0,
    timeoutMs = 5000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((ok) => {
        this.waiters.push(ok);
        setTimeout(ok, 50);
      });
    }
  }

  async stop() {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

/** A type guard for frames of one type that also pass `extra`. */
export const is =
  <K extends AgentFrame['type']>(
    type: K,
    extra: (f: Extract<AgentFrame, { type: K }>) => boolean = () => true,
  ) =>
  (f: AgentFrame): f is Extract<AgentFrame, { type: K }> =>
    f.type === type && extra(f as Extract<AgentFrame, { type: K }>);
