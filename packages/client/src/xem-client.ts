import type {
  AddMemberRequest,
  AgentPauseRequest,
  AgentResumeRequest,
  ApproveRequest,
  CreateDelegationRequest,
  CreateExecutionRequest,
  CreateJoinKeyRequest,
  CreateKeyRequest,
  CreateWorkspaceRequest,
  PauseRequest,
  PutApprovalPolicyRequest,
  RejectRequest,
  TokenRequest,
  UpdateAgentRequest,
  UpdateWorkspaceRequest,
} from '@xem/protocol';
import {
  AddMemberResponse,
  Agent,
  ApiKey,
  Approval,
  ApprovalDetail,
  ApprovalPolicy,
  AuditEntry,
  AuditVerifyResult,
  CreatedJoinKey,
  CreatedKey,
  Delegation,
  Execution,
  ExecutionDetail,
  Invitation,
  JoinKey,
  listOf,
  Member,
  TokenResponse,
  Tool,
  WhoAmI,
  Workspace,
  type ProjectRole,
} from '@xem/protocol';
import { z } from 'zod';
import type { ApprovalListQuery } from './approval-list-query';
import type { DelegationListQuery } from './delegation-list-query';
import type { ExecutionListQuery, PageQuery } from './execution-list-query';
import {
  sendRequest,
  sendTextRequest,
  type QueryValue,
  type RequestSpec,
  type SessionAuth,
} from './send-request';
import { ChatsApi } from './chats-api';
import { TemplatesApi } from './templates-api';
import { WebhooksApi } from './webhooks-api';
import { DiscoveryApi } from './discovery-api';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse/open-event-stream';
import {
  setStreamFilters,
  type ApprovalStreamFilters,
  type ExecutionStreamFilters,
} from './sse/stream-filters';
import {
  decodeApprovalStreamEvent,
  decodeExecutionStreamEvent,
  type ApprovalStreamEvent,
  type ExecutionStreamEvent,
} from './sse/x-exec-stream-event';

export interface XemClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `xero_<project-slug>_<random>`; not needed for `createToken`. */
  apiKey?: string | undefined;
  /** Needed by every project-scoped route (management API). */
  projectId?: string | undefined;
  /** The server records `via=cli` for agents starting with `xeroctl/`. */
  userAgent?: string | undefined;
  /**
   * Dashboard mode (see OpsClient): routes go to the `/ops/api` mirrors of the session's active
   * project instead of `/:project_id/v1/…`, with the session cookie and CSRF token.
   */
  session?: SessionAuth | undefined;
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

/** Options of `streamExecutions` and `streamApprovals`; URL, auth and decoding come from the client. */
export type StreamOptions<T> = Omit<EventStreamOptions<T>, 'url' | 'decode'>;

/** Options of `createExecution`. */
export interface CreateExecutionOptions {
  /** Same key and same body → the same execution; a different body → 422 `idempotency_key_reused`. */
  idempotencyKey?: string | undefined;
}

/** Typed client of the XEM HTTP API: one method per route, answers parsed by the protocol schemas. */
export class XemClient {
  readonly options: Readonly<XemClientOptions>;

  constructor(options: XemClientOptions) {
    this.options = { ...options };
  }

  get projectId(): string | undefined {
    return this.options.projectId;
  }

  /** Webhook endpoints of the project and their deliveries (management API). */
  get webhooks(): WebhooksApi {
    return new WebhooksApi(this.options, () => this.mgmt('/webhooks'));
  }

  /** Components the project's agents discovered, and the owners' decisions on them. */
  get discovery(): DiscoveryApi {
    return new DiscoveryApi(this.options, () => this.mgmt('/discovery'));
  }

  /** Chat templates visible to the project (its own and the platform's) and their versions. */
  get templates(): TemplatesApi {
    return new TemplatesApi(
      this.options,
      () => this.mgmt('/templates'),
      (workspace, template) => this.v1(`/workspaces/${seg(workspace)}/chat-templates/${seg(template)}/apply`),
    );
  }

  /** Chats of the project's workspaces: messages, operator tool runs, answers, live frames. */
  get chats(): ChatsApi {
    return new ChatsApi(this.options, () => this.v1('/chats'));
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

  async listKeys(query: PageQuery = {}): Promise<List<ApiKey>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/keys'),
      query: { ...query },
      schema: listOf(ApiKey),
    });
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

  async listMembers(query: PageQuery = {}): Promise<List<Member>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/project/members'),
      query: { ...query },
      schema: listOf(Member),
    });
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

  async listInvitations(query: PageQuery = {}): Promise<List<Invitation>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/project/invitations'),
      query: { ...query },
      schema: listOf(Invitation),
    });
  }

  async revokeInvitation(invitationId: string): Promise<{ ok: true }> {
    const path = this.mgmt(`/project/invitations/${seg(invitationId)}`);
    return this.call({ method: 'DELETE', path, schema: Ok });
  }

  /** Newest first; every delegation ever granted unless filtered (`active: true` for the live ones). */
  async listDelegations(query: DelegationListQuery = {}): Promise<List<Delegation>> {
    const { active, ...rest } = query;
    return this.call({
      method: 'GET',
      path: this.mgmt('/project/delegations'),
      query: { ...rest, active: active === undefined ? undefined : String(active) },
      schema: listOf(Delegation),
    });
  }

  /** Owners only: approval authority for one risk tier to a member, optionally until `expires_at`. */
  async grantDelegation(body: z.input<typeof CreateDelegationRequest>): Promise<Delegation> {
    return this.call({ method: 'POST', path: this.mgmt('/project/delegations'), body, schema: Delegation });
  }

  /** Owners only; effective from the next request. Revoking a revoked delegation returns it unchanged. */
  async revokeDelegation(delegationId: string): Promise<Delegation> {
    const path = this.mgmt(`/project/delegations/${seg(delegationId)}`);
    return this.call({ method: 'DELETE', path, schema: Delegation });
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

  async listWorkspaces(query: PageQuery = {}): Promise<List<Workspace>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/workspaces'),
      query: { ...query },
      schema: listOf(Workspace),
    });
  }

  async createWorkspace(body: z.input<typeof CreateWorkspaceRequest>): Promise<Workspace> {
    return this.call({ method: 'POST', path: this.mgmt('/workspaces'), body, schema: Workspace });
  }

  async getWorkspace(workspaceId: string): Promise<Workspace> {
    return this.call({ method: 'GET', path: this.ws(workspaceId), schema: Workspace });
  }

  /** `is_default: true` moves the project's default workspace here. */
  async updateWorkspace(
    workspaceId: string,
    body: z.input<typeof UpdateWorkspaceRequest>,
  ): Promise<Workspace> {
    return this.call({ method: 'PATCH', path: this.ws(workspaceId), body, schema: Workspace });
  }

  /** Refused (409 `conflict`) for the default workspace and one with unfinished executions. */
  async deleteWorkspace(workspaceId: string): Promise<unknown> {
    return this.call({ method: 'DELETE', path: this.ws(workspaceId), schema: z.unknown() });
  }

  /** Stops dispatch for the workspace until it is resumed. */
  async pauseWorkspace(workspaceId: string, body: z.input<typeof PauseRequest>): Promise<Workspace> {
    return this.call({ method: 'POST', path: this.ws(workspaceId, '/pause'), body, schema: Workspace });
  }

  async resumeWorkspace(workspaceId: string): Promise<Workspace> {
    return this.call({ method: 'POST', path: this.ws(workspaceId, '/resume'), schema: Workspace });
  }

  async bindAgent(workspaceId: string, agentId: string): Promise<Workspace> {
    const path = this.ws(workspaceId, '/agents');
    return this.call({ method: 'POST', path, body: { agent_id: agentId }, schema: Workspace });
  }

  async unbindAgent(workspaceId: string, agentId: string): Promise<Workspace> {
    const path = this.ws(workspaceId, `/agents/${seg(agentId)}`);
    return this.call({ method: 'DELETE', path, schema: Workspace });
  }

  /** The policy in force: the latest version, or the built-in default (version 0). */
  async getApprovalPolicy(workspaceId: string): Promise<ApprovalPolicy> {
    return this.call({
      method: 'GET',
      path: this.ws(workspaceId, '/approval-policy'),
      schema: ApprovalPolicy,
    });
  }

  /** Stores the next version (owners only); levels left out keep their current value. */
  async putApprovalPolicy(
    workspaceId: string,
    body: z.input<typeof PutApprovalPolicyRequest>,
  ): Promise<ApprovalPolicy> {
    const path = this.ws(workspaceId, '/approval-policy');
    return this.call({ method: 'PUT', path, body, schema: ApprovalPolicy });
  }

  /** Stored versions, newest first (the default, version 0, is never listed). */
  async listApprovalPolicyVersions(
    workspaceId: string,
    query: PageQuery = {},
  ): Promise<List<ApprovalPolicy>> {
    return this.call({
      method: 'GET',
      path: this.ws(workspaceId, '/approval-policy/versions'),
      query: { ...query },
      schema: listOf(ApprovalPolicy),
    });
  }

  /** One version; 0 is the built-in default. */
  async getApprovalPolicyVersion(workspaceId: string, version: number): Promise<ApprovalPolicy> {
    const path = this.ws(workspaceId, `/approval-policy/versions/${version}`);
    return this.call({ method: 'GET', path, schema: ApprovalPolicy });
  }

  async listJoinKeys(query: PageQuery = {}): Promise<List<JoinKey>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/join-keys'),
      query: { ...query },
      schema: listOf(JoinKey),
    });
  }

  /** The secret (`xjk_…`) is in the answer and nowhere else. */
  async createJoinKey(body: z.input<typeof CreateJoinKeyRequest>): Promise<z.output<typeof CreatedJoinKey>> {
    return this.call({ method: 'POST', path: this.mgmt('/join-keys'), body, schema: CreatedJoinKey });
  }

  async revokeJoinKey(joinKeyId: string): Promise<JoinKey> {
    const path = this.mgmt(`/join-keys/${seg(joinKeyId)}/revoke`);
    return this.call({ method: 'POST', path, schema: JoinKey });
  }

  async listAgents(query: PageQuery = {}): Promise<List<Agent>> {
    return this.call({
      method: 'GET',
      path: this.mgmt('/agents'),
      query: { ...query },
      schema: listOf(Agent),
    });
  }

  async getAgent(agentId: string): Promise<Agent> {
    return this.call({ method: 'GET', path: this.agent(agentId), schema: Agent });
  }

  async updateAgent(agentId: string, body: z.input<typeof UpdateAgentRequest>): Promise<Agent> {
    return this.call({ method: 'PATCH', path: this.agent(agentId), body, schema: Agent });
  }

  /** Stops dispatch to the agent, or only for one workspace with `workspace_id`. */
  async pauseAgentExec(agentId: string, body: z.input<typeof AgentPauseRequest>): Promise<Agent> {
    return this.call({ method: 'POST', path: this.agent(agentId, '/pause-exec'), body, schema: Agent });
  }

  async resumeAgentExec(agentId: string, body: z.input<typeof AgentResumeRequest> = {}): Promise<Agent> {
    return this.call({ method: 'POST', path: this.agent(agentId, '/resume-exec'), body, schema: Agent });
  }

  /** The agent finishes what it runs and takes nothing new. */
  async drainAgent(agentId: string): Promise<Agent> {
    return this.call({ method: 'POST', path: this.agent(agentId, '/drain'), schema: Agent });
  }

  /** Revokes the agent's credentials and closes its socket; it must enroll again. */
  async revokeAgentCredentials(agentId: string): Promise<Agent> {
    return this.call({ method: 'POST', path: this.agent(agentId, '/revoke-credentials'), schema: Agent });
  }

  /** The union of the manifests of the project's agents that are not revoked. */
  async listTools(query: PageQuery = {}): Promise<List<Tool>> {
    return this.call({ method: 'GET', path: this.exec('/tools'), query: { ...query }, schema: listOf(Tool) });
  }

  async getTool(name: string): Promise<Tool> {
    return this.call({ method: 'GET', path: this.exec(`/tools/${seg(name)}`), schema: Tool });
  }

  async createExecution(
    body: z.input<typeof CreateExecutionRequest>,
    options: CreateExecutionOptions = {},
  ): Promise<Execution> {
    const headers = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined;
    return this.call({ method: 'POST', path: this.exec('/executions'), body, headers, schema: Execution });
  }

  /** Newest first. */
  async listExecutions(query: ExecutionListQuery = {}): Promise<List<Execution>> {
    const q: Record<string, QueryValue> = {
      ...query,
      status: query.status?.join(','),
      risk: query.risk?.join(','),
      source: query.source?.join(','),
    };
    return this.call({ method: 'GET', path: this.exec('/executions'), query: q, schema: listOf(Execution) });
  }

  /** The execution with its transitions, attempts and the latest attempt's output. */
  async getExecution(executionId: string): Promise<ExecutionDetail> {
    return this.call({ method: 'GET', path: this.execution(executionId), schema: ExecutionDetail });
  }

  /** The latest attempt's output as the tool wrote it. */
  async getExecutionRaw(executionId: string, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
    const path = this.execution(executionId, '/raw');
    return sendTextRequest(this.options, { method: 'GET', path, query: { stream } });
  }

  /** Queued and pending ones end at once; a dispatched one when the agent reports back. */
  async cancelExecution(executionId: string): Promise<Execution> {
    return this.call({ method: 'POST', path: this.execution(executionId, '/cancel'), schema: Execution });
  }

  /** failed, timed_out or ambiguous → queued again with attempt + 1. */
  async retryExecution(executionId: string): Promise<Execution> {
    return this.call({ method: 'POST', path: this.execution(executionId, '/retry'), schema: Execution });
  }

  /** An operator's verdict on an ambiguous execution. */
  async markExecutionFailed(executionId: string): Promise<Execution> {
    const path = this.execution(executionId, '/mark-failed');
    return this.call({ method: 'POST', path, schema: Execution });
  }

  /** Newest first. */
  async listApprovals(query: ApprovalListQuery = {}): Promise<List<Approval>> {
    const q: Record<string, QueryValue> = {
      ...query,
      status: query.status?.join(','),
      risk: query.risk?.join(','),
    };
    return this.call({ method: 'GET', path: this.exec('/approvals'), query: q, schema: listOf(Approval) });
  }

  /** The approval with its votes, and whether the caller may decide it (if not, why and who can). */
  async getApproval(approvalId: string): Promise<ApprovalDetail> {
    return this.call({ method: 'GET', path: this.approval(approvalId), schema: ApprovalDetail });
  }

  /**
   * One approving vote. For an irreversible tool `confirm` must be the tool name exactly; it is
   * sent as given, and the server alone compares it (422 `approval_confirm_mismatch`).
   */
  async approveApproval(approvalId: string, body: z.input<typeof ApproveRequest> = {}): Promise<Approval> {
    const path = this.approval(approvalId, '/approve');
    return this.call({ method: 'POST', path, body, schema: Approval });
  }

  /** A rejection ends the approval at once, and its execution as `rejected`. */
  async rejectApproval(approvalId: string, body: z.input<typeof RejectRequest> = {}): Promise<Approval> {
    const path = this.approval(approvalId, '/reject');
    return this.call({ method: 'POST', path, body, schema: Approval });
  }

  /**
   * Live execution events of the project (`x_exec.execution.*`), reconnecting and resuming on
   * its own until closed; see openEventStream.
   */
  streamExecutions(
    filters: ExecutionStreamFilters = {},
    options: StreamOptions<ExecutionStreamEvent> = {},
  ): EventStream<ExecutionStreamEvent> {
    return this.openStream(this.exec('/executions/stream'), filters, decodeExecutionStreamEvent, options);
  }

  /** Live approval events of the project (`x_exec.approval.*`). */
  streamApprovals(
    filters: ApprovalStreamFilters = {},
    options: StreamOptions<ApprovalStreamEvent> = {},
  ): EventStream<ApprovalStreamEvent> {
    return this.openStream(this.exec('/approvals/stream'), filters, decodeApprovalStreamEvent, options);
  }

  private openStream<T>(
    path: string,
    filters: ExecutionStreamFilters | ApprovalStreamFilters,
    decode: EventStreamOptions<T>['decode'],
    options: StreamOptions<T>,
  ): EventStream<T> {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    setStreamFilters(url.searchParams, filters);
    const headers: Record<string, string> = { ...options.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    return openEventStream({ ...options, url, headers, decode });
  }

  private ws(workspaceId: string, rest = ''): string {
    return this.mgmt(`/workspaces/${seg(workspaceId)}${rest}`);
  }

  private agent(agentId: string, rest = ''): string {
    return this.mgmt(`/agents/${seg(agentId)}${rest}`);
  }

  private execution(executionId: string, rest = ''): string {
    return this.exec(`/executions/${seg(executionId)}${rest}`);
  }

  private approval(approvalId: string, rest = ''): string {
    return this.exec(`/approvals/${seg(approvalId)}${rest}`);
  }

  private exec(rest: string): string {
    if (this.options.session) return `/ops/api${rest}`;
    return `/${seg(this.requireProject())}/v1/exec${rest}`;
  }

  /** Routes right under `/:project_id/v1` (chats, applying a template); `/ops/api` in session mode. */
  private v1(rest: string): string {
    if (this.options.session) return `/ops/api${rest}`;
    return `/${seg(this.requireProject())}/v1${rest}`;
  }

  private mgmt(rest: string): string {
    // The dashboard mirrors drop the `/project` segment: /ops/api/members, /ops/api/delegations.
    if (this.options.session) return `/ops/api${rest.replace(/^\/project\//, '/')}`;
    return `/${seg(this.requireProject())}/v1/management${rest}`;
  }

  private requireProject(): string {
    const id = this.options.projectId;
    if (!id)
      throw new Error(
        'this route is project-scoped: create the client with a projectId (or use withProject)',
      );
    return id;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.options, spec);
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}
