import type { AddMemberRequest, CreateKeyRequest, TokenRequest } from '@xem/protocol';
import {
  AddMemberResponse,
  ApiKey,
  AuditEntry,
  AuditVerifyResult,
  CreatedKey,
  Invitation,
  listOf,
  Member,
  TokenResponse,
  WhoAmI,
  type ProjectRole,
} from '@xem/protocol';
import { z } from 'zod';
import { sendRequest, type QueryValue, type RequestSpec } from './send-request';

export interface XemClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `xero_<project-slug>_<random>`; not needed for `createToken`. */
  apiKey?: string | undefined;
  /** Needed by every project-scoped route (management API). */
  projectId?: string | undefined;
  /** The server records `via=cli` for agents starting with `xeroctl/`. */
  userAgent?: string | undefined;
}

export type List<T> = { data: T[]; next_cursor: string | null };

/** Filters of `GET …/audit`; `cursor` is the `next_cursor` of the previous page. */
export interface AuditListQuery {
  limit?: number;
  cursor?: string;
  action?: string;
  actor_id?: string;
  target_id?: string;
  outcome?: 'success' | 'denied' | 'failed';
  since?: string;
  until?: string;
}

const Ok = z.object({ ok: z.literal(true) });

/** Typed client of the XEM HTTP API: one method per route, answers parsed by the protocol schemas. */
export class XemClient {
  readonly options: Readonly<XemClientOptions>;

  constructor(options: XemClientOptions) {
    this.options = { ...options };
  }

  get projectId(): string | undefined {
    return this.options.projectId;
  }

  /** The same connection, acting on another project. */
  withProject(projectId: string): XemClient {
    return new XemClient({ ...this.options, projectId });
  }

  /** Mints an API key from e-mail and password. The secret is in the answer and nowhere else. */
  async createToken(body: z.input<typeof TokenRequest>): Promise<TokenResponse> {
    return this.call({ method: 'POST', path: '/v1/auth/token', body, schema: TokenResponse });
  }

  async whoami(): Promise<WhoAmI> {
    return this.call({ method: 'GET', path: '/v1/auth/whoami', schema: WhoAmI });
  }

  async listKeys(): Promise<List<ApiKey>> {
    return this.call({ method: 'GET', path: this.mgmt('/keys'), schema: listOf(ApiKey) });
  }

  async createKey(body: z.input<typeof CreateKeyRequest>): Promise<CreatedKey> {
    return this.call({ method: 'POST', path: this.mgmt('/keys'), body, schema: CreatedKey });
  }

  /** Issues a successor; the old key keeps working for `grace_period_hours` (server default 24). */
  async rotateKey(keyId: string, body?: { grace_period_hours?: number }): Promise<CreatedKey> {
    return this.call({
      method: 'POST',
      path: this.mgmt(`/keys/${seg(keyId)}/rotate`),
      body,
      schema: CreatedKey,
    });
  }

  async revokeKey(keyId: string): Promise<ApiKey> {
    return this.call({ method: 'POST', path: this.mgmt(`/keys/${seg(keyId)}/revoke`), schema: ApiKey });
  }

  async listMembers(): Promise<List<Member>> {
    return this.call({ method: 'GET', path: this.mgmt('/project/members'), schema: listOf(Member) });
  }

  /** A known e-mail becomes a member; an unknown one gets an invitation with a one-time URL. */
  async addMember(body: z.input<typeof AddMemberRequest>): Promise<AddMemberResponse> {
    return this.call({
      method: 'POST',
      path: this.mgmt('/project/members'),
      body,
      schema: AddMemberResponse,
    });
  }

  async setMemberRole(userId: string, role: ProjectRole): Promise<Member> {
    const path = this.mgmt(`/project/members/${seg(userId)}`);
    return this.call({ method: 'PATCH', path, body: { role }, schema: Member });
  }

  async removeMember(userId: string): Promise<{ ok: true }> {
    return this.call({ method: 'DELETE', path: this.mgmt(`/project/members/${seg(userId)}`), schema: Ok });
  }

  async listInvitations(): Promise<List<Invitation>> {
    return this.call({ method: 'GET', path: this.mgmt('/project/invitations'), schema: listOf(Invitation) });
  }

  async revokeInvitation(invitationId: string): Promise<{ ok: true }> {
    const path = this.mgmt(`/project/invitations/${seg(invitationId)}`);
    return this.call({ method: 'DELETE', path, schema: Ok });
  }

  /** Newest first. */
  async listAudit(query: AuditListQuery = {}): Promise<List<AuditEntry>> {
    const q: Record<string, QueryValue> = { ...query };
    return this.call({ method: 'GET', path: this.mgmt('/audit'), query: q, schema: listOf(AuditEntry) });
  }

  /** Recomputes the project's whole hash chain on the server. */
  async verifyAudit(): Promise<AuditVerifyResult> {
    return this.call({ method: 'GET', path: this.mgmt('/audit/verify'), schema: AuditVerifyResult });
  }

  private mgmt(rest: string): string {
    const id = this.options.projectId;
    if (!id)
      throw new Error(
        'this route is project-scoped: create the client with a projectId (or use withProject)',
      );
    return `/${seg(id)}/v1/management${rest}`;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.options, spec);
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}
