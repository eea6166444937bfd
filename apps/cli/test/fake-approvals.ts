import type { Approval, ApprovalDetail, Execution, Risk } from '@xem/protocol';

/** Who a request comes from, told apart by API key as on the real server. */
export interface FakeUser {
  id: string;
  email: string;
  keyId: string;
}

/** A refusal with the code, status and message the real server answers. */
export class FakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** The fake's policy per risk: destructive needs two distinct approvers, irreversible forbids self-approval. */
const POLICY: Partial<Record<Risk, { required: number; selfApproval: 'allowed' | 'forbidden' }>> = {
  destructive: { required: 2, selfApproval: 'allowed' },
  irreversible: { required: 1, selfApproval: 'forbidden' },
};

const ELIGIBLE = 'project owners, members delegated for';

/**
 * Approvals as the server keeps them, in memory: one stage, N of M distinct approvers,
 * separation of duties, and the typed confirmation compared exactly (`===`) like the server.
 */
export class FakeApprovals {
  private readonly byId = new Map<string, Approval>();

  /** Whether executions of this risk wait for an approval. */
  needsApproval(risk: Risk): boolean {
    return POLICY[risk] !== undefined;
  }

  /** The approval an execution of a risky tool is created with (same transaction on the server). */
  request(e: Execution, by: FakeUser): Approval {
    const policy = POLICY[e.risk]!;
    const a: Approval = {
      id: `apr_${this.byId.size + 1}`,
      execution_id: e.id,
      workspace_id: e.workspace_id,
      tool: e.tool,
      args: e.args,
      risk: e.risk,
      status: 'pending',
      decision: null,
      stage_index: 0,
      stage_count: 1,
      required_approvals: policy.required,
      approvals_so_far: 0,
      approvers: ['role:owner'],
      self_approval: policy.selfApproval,
      on_timeout: 'reject',
      policy_version: 0,
      action_hash: 'ab'.repeat(32),
      requested_by: { user_id: by.id, key_id: by.keyId, source: 'cli' },
      stage_deadline_at: '2026-01-01T01:00:00.000Z',
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, this.byId.size)).toISOString(),
      decided_at: null,
      decided_by: null,
      note: null,
      reason: null,
      votes: [],
    };
    this.byId.set(a.id, a);
    return a;
  }

  /** Newest first, filtered like `GET …/approvals`. */
  list(q: URLSearchParams, workspaceIdOf: (ref: string) => string | undefined): Approval[] {
    const csv = (name: string) => q.get(name)?.split(',');
    const status = csv('status');
    const risk = csv('risk');
    const tool = q.get('tool');
    const workspace = q.get('workspace');
    return [...this.byId.values()]
      .filter(
        (a) =>
          (!status || status.includes(a.status)) &&
          (!risk || risk.includes(a.risk)) &&
          (!tool || a.tool === tool) &&
          (!workspace || a.workspace_id === workspaceIdOf(workspace)),
      )
      .reverse();
  }

  get(id: string): Approval | undefined {
    return this.byId.get(id);
  }

  detail(id: string, who: FakeUser): ApprovalDetail {
    const a = this.require(id);
    const why = a.status === 'pending' ? this.refusal(a, who) : `the approval is ${a.status}`;
    return { ...a, viewer: { can_decide: why === null, reason: why } };
  }

  /** One vote, refused in the server's order: decided, not authorised, wrong confirmation, voted twice. */
  decide(
    id: string,
    who: FakeUser,
    decision: 'approve' | 'reject',
    body: { note?: string; reason?: string; confirm?: string },
  ): Approval {
    const a = this.require(id);
    if (a.status !== 'pending') {
      throw new FakeRefusal(409, 'approval_already_decided', `approval ${a.id} is already ${a.status}`);
    }
    const why = this.refusal(a, who);
    if (why) throw new FakeRefusal(403, 'approver_not_authorized', why);
    if (decision === 'approve' && a.risk === 'irreversible' && body.confirm !== a.tool) {
      throw new FakeRefusal(
        422,
        'approval_confirm_mismatch',
        `approving an irreversible tool needs "confirm" set to the tool name exactly (${a.tool})`,
        'confirm',
      );
    }
    if (a.votes.some((v) => v.user_id === who.id)) {
      throw new FakeRefusal(409, 'conflict', `you already voted on approval ${a.id} at this stage`);
    }
    const at = new Date().toISOString();
    a.votes.push({
      stage_index: 0,
      decision,
      user_id: who.id,
      email: who.email,
      via: 'cli',
      note: body.note ?? null,
      reason: body.reason ?? null,
      at,
    });
    if (decision === 'approve') a.approvals_so_far += 1;
    if (decision === 'approve' && a.approvals_so_far < a.required_approvals) return a;
    Object.assign(a, {
      status: decision === 'approve' ? 'approved' : 'rejected',
      decision: decision === 'approve' ? 'approved' : 'rejected',
      decided_at: at,
      decided_by: { user_id: who.id, email: who.email, via: 'cli' },
      note: body.note ?? null,
      reason: body.reason ?? null,
    });
    return a;
  }

  private require(id: string): Approval {
    const a = this.byId.get(id);
    if (!a) throw new FakeRefusal(404, 'not_found', `approval ${id} was not found`);
    return a;
  }

  /** Why `who` may not decide `a`, or null when they may. */
  private refusal(a: Approval, who: FakeUser): string | null {
    if (a.self_approval === 'forbidden' && a.requested_by.user_id === who.id) {
      return `separation of duties: the ${a.risk} level forbids approving your own request; it can be decided by ${ELIGIBLE} ${a.risk}`;
    }
    return null;
  }
}
