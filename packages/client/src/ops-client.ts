import type { ChangePasswordRequest, LoginRequest, SwitchProjectRequest } from '@xem/protocol';
import { OpsOverview, SessionInfo, type SseEvent } from '@xem/protocol';
import { z } from 'zod';
import { sendRequest, type RequestSpec, type SessionAuth, type Transport } from './send-request';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse/open-event-stream';
import { XemClient } from './xem-client';

const Ok = z.object({ ok: z.literal(true) });

/** Options of `OpsClient.openStream`: everything but the URL and the cookie. */
export type OpsStreamOptions = Omit<EventStreamOptions<SseEvent>, 'url' | 'decode' | 'credentials'>;

/**
 * The dashboard's client: the session routes of `/ops` (login, session, project switch,
 * password, logout), `api` — the whole typed API on the `/ops/api` mirrors of the active
 * project — and the `/ops/stream` event stream. Authenticates with the session cookie and
 * sends the session's CSRF token on every state-changing request.
 */
export class OpsClient {
  readonly api: XemClient;
  private csrf: string | null = null;
  private readonly transport: Transport;

  constructor(options: { baseUrl: string }) {
    const session: SessionAuth = { csrfToken: () => this.csrf };
    this.transport = { baseUrl: options.baseUrl, session };
    this.api = new XemClient({ baseUrl: options.baseUrl, session });
  }

  /** The signed-in user, their projects, the active one and the CSRF token (401 when signed out). */
  async session(): Promise<SessionInfo> {
    return this.remember(await this.call({ method: 'GET', path: '/ops/session', schema: SessionInfo }));
  }

  async login(body: z.input<typeof LoginRequest>): Promise<SessionInfo> {
    const path = '/ops/login';
    return this.remember(await this.call({ method: 'POST', path, body, schema: SessionInfo }));
  }

  async logout(): Promise<void> {
    await this.call({ method: 'POST', path: '/ops/logout', schema: Ok });
    this.csrf = null;
  }

  /** Makes another of the user's projects the session's active one. */
  async switchProject(body: z.input<typeof SwitchProjectRequest>): Promise<SessionInfo> {
    const path = '/ops/session/project';
    return this.remember(await this.call({ method: 'POST', path, body, schema: SessionInfo }));
  }

  async changePassword(body: z.input<typeof ChangePasswordRequest>): Promise<SessionInfo> {
    const path = '/ops/password';
    return this.remember(await this.call({ method: 'POST', path, body, schema: SessionInfo }));
  }

  /** The Overview tab's counts and the executions-per-minute trend of the active project. */
  async overview(): Promise<OpsOverview> {
    return this.call({ method: 'GET', path: '/ops/api/overview', schema: OpsOverview });
  }

  /** `GET /ops/stream`: every `ox.*` event of the active project, reconnecting with Last-Event-ID. */
  openStream(options: OpsStreamOptions = {}): EventStream<SseEvent> {
    const url = new URL(this.transport.baseUrl.replace(/\/+$/, '') + '/ops/stream');
    return openEventStream({ ...options, url, credentials: 'same-origin', decode: (e) => e });
  }

  private remember(info: SessionInfo): SessionInfo {
    this.csrf = info.csrf_token;
    return info;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.transport, spec);
  }
}
