import { z } from 'zod';
import { Timestamp } from './common';
import { csv, ExecutionSource } from './executions';
import { Risk } from './fleet';

/** Risk tiers a member can be delegated approval authority for. */
export const DelegationTier = z.enum(['destructive', 'irreversible']);
export type DelegationTier = z.infer<typeof DelegationTier>;

const USER_ID = /^usr_[A-Za-z0-9]{1,60}$/;
// Deliberately plain: an external reviewer's address, compared case-insensitively.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{1,63}$/;

/**
 * Who a stage asks: a user id (`usr_…`, must be a project member), `role:owner`,
 * `delegates:destructive` / `delegates:irreversible` (members holding a live delegation for
 * that tier), or an external reviewer's e-mail (decides through a one-time link).
 */
export const ApproverSpec = z
  .string()
  .max(320)
  .refine(
    (s) =>
      s === 'role:owner' ||
      s === 'delegates:destructive' ||
      s === 'delegates:irreversible' ||
      USER_ID.test(s) ||
      EMAIL.test(s),
    { message: 'an approver is a user id (usr_…), role:owner, delegates:<tier> or an e-mail address' },
  );
export type ApproverSpec = z.infer<typeof ApproverSpec>;

export const EscalationStage = z.object({
  approvers: z.array(ApproverSpec).min(1).max(50),
  /** N of M: distinct people who must approve at this stage. */
  required_approvals: z.number().int().min(1).max(20).default(1),
  /** Defaults to the level's timeout_seconds. */
  timeout_seconds: z.number().int().min(10).max(604_800).optional(),
});
export type EscalationStage = z.infer<typeof EscalationStage>;

export const OnTimeout = z.enum(['escalate', 'reject']);
export const SelfApproval = z.enum(['allowed', 'forbidden']);

export const LevelPolicy = z
  .object({
    requires_approval: z.boolean(),
    /** Default timeout of each stage. */
    timeout_seconds: z.number().int().min(10).max(604_800),
    /** When a stage times out: move to the next stage (`escalate`), or end as timed out (`reject`). */
    on_timeout: OnTimeout,
    /** Whether the requester may decide their own request. */
    self_approval: SelfApproval,
    /** Ordered stages; at least one when approval is required. */
    escalation: z.array(EscalationStage).max(10),
  })
  .superRefine((p, ctx) => {
    if (p.requires_approval && p.escalation.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalation'],
        message: 'needs at least one stage when approval is required',
      });
    }
    p.escalation.forEach((stage, i) => {
      const explicit = stage.approvers.every((a) => USER_ID.test(a) || EMAIL.test(a));
      const distinct = new Set(stage.approvers.map((a) => a.toLowerCase())).size;
      if (explicit && stage.required_approvals > distinct) {
        ctx.addIssue({
          code: 'custom',
          path: ['escalation', i, 'required_approvals'],
          message: `asks for ${stage.required_approvals} approvals from ${distinct} listed approvers`,
        });
      }
    });
  });
export type LevelPolicy = z.infer<typeof LevelPolicy>;

export const PolicyLevels = z.object({
  read: LevelPolicy,
  write: LevelPolicy,
  destructive: LevelPolicy,
  irreversible: LevelPolicy,
});
export type PolicyLevels = z.infer<typeof PolicyLevels>;

/** `PUT …/workspaces/:id/approval-policy`: levels left out keep their defaults. */
export const PutApprovalPolicyRequest = z.object({ levels: PolicyLevels.partial() }).strict();
export type PutApprovalPolicyRequest = z.infer<typeof PutApprovalPolicyRequest>;

export const ApprovalPolicy = z.object({
  workspace_id: z.string(),
  /** 0 is the built-in default (never stored); every PUT creates the next version. */
  version: z.number().int(),
  levels: PolicyLevels,
  updated_at: Timestamp.nullable(),
  updated_by: z.string().nullable(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

export const ApprovalStatus = z.enum([
  'pending',
  'approved',
  'rejected',
  'timed_out',
  'cancelled',
  'invalidated',
]);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const DecisionVia = z.enum(['dashboard', 'api', 'cli', 'link', 'chat', 'mcp', 'system']);

export const ApprovalVote = z.object({
  stage_index: z.number().int(),
  decision: z.enum(['approve', 'reject']),
  user_id: z.string().nullable(),
  /** External reviewer (link) or the user's e-mail. */
  email: z.string().nullable(),
  via: DecisionVia,
  note: z.string().nullable(),
  reason: z.string().nullable(),
  at: Timestamp,
});
export type ApprovalVote = z.infer<typeof ApprovalVote>;

export const Approval = z.object({
  id: z.string(),
  execution_id: z.string(),
  workspace_id: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  risk: Risk,
  status: ApprovalStatus,
  /** Set once decided: `approved` or `rejected` (timeouts are status `timed_out`). */
  decision: z.enum(['approved', 'rejected']).nullable(),
  stage_index: z.number().int(),
  stage_count: z.number().int(),
  required_approvals: z.number().int(),
  approvals_so_far: z.number().int(),
  /** The current stage's approver specs. */
  approvers: z.array(z.string()),
  self_approval: SelfApproval,
  on_timeout: OnTimeout,
  policy_version: z.number().int(),
  /** sha256 of (tool, canonical args, workspace, policy version): what was approved. */
  action_hash: z.string(),
  requested_by: z.object({
    user_id: z.string().nullable(),
    key_id: z.string().nullable(),
    source: ExecutionSource,
  }),
  stage_deadline_at: Timestamp,
  created_at: Timestamp,
  decided_at: Timestamp.nullable(),
  decided_by: z
    .object({ user_id: z.string().nullable(), email: z.string().nullable(), via: DecisionVia })
    .nullable(),
  note: z.string().nullable(),
  reason: z.string().nullable(),
  votes: z.array(ApprovalVote),
});
export type Approval = z.infer<typeof Approval>;

export const ApproveRequest = z
  .object({
    note: z.string().max(2000).optional(),
    /** For irreversible tools: the tool name, exactly. */
    confirm: z.string().max(200).optional(),
  })
  .strict();
export type ApproveRequest = z.infer<typeof ApproveRequest>;

export const RejectRequest = z.object({ reason: z.string().max(2000).optional() }).strict();
export type RejectRequest = z.infer<typeof RejectRequest>;

export const ListApprovalsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  status: csv(ApprovalStatus).optional(),
  risk: csv(Risk).optional(),
  workspace: z.string().max(64).optional(),
  agent: z.string().max(64).optional(),
  tool: z.string().max(64).optional(),
});
export type ListApprovalsQuery = z.infer<typeof ListApprovalsQuery>;

/**
 * Approval authority an owner granted a member for one risk tier; an `irreversible` delegation
 * also covers `destructive`.
 */
export const Delegation = z.object({
  id: z.string(),
  user_id: z.string(),
  email: z.string(),
  tier: DelegationTier,
  /** Null: until revoked. */
  expires_at: Timestamp.nullable(),
  /** The granting owner's user id (null only once that user no longer exists). */
  granted_by: z.string().nullable(),
  created_at: Timestamp,
  revoked_at: Timestamp.nullable(),
  revoked_by: z.string().nullable(),
  /**
   * Live: not revoked, not expired (database clock), and the grantee is still a member of the
   * project with the role `member`. Only live delegations give authority.
   */
  active: z.boolean(),
});
export type Delegation = z.infer<typeof Delegation>;

/** `GET …/delegations`: newest first; `active=true` keeps the live ones only. */
export const ListDelegationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  user_id: z.string().min(1).max(64).optional(),
  tier: DelegationTier.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ListDelegationsQuery = z.infer<typeof ListDelegationsQuery>;

export const CreateDelegationRequest = z
  .object({
    /** A current member of the project with the role `member`. */
    user_id: z.string().min(1).max(64),
    tier: DelegationTier,
    /** RFC 3339, in the future (database clock); omitted: until revoked. */
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type CreateDelegationRequest = z.infer<typeof CreateDelegationRequest>;

/**
 * `POST /ops/approval/:id`: a decision through a one-time link, as a form or JSON. `comment` is
 * stored as the note of an approval or the reason of a rejection; `confirm` is the typed tool
 * name an irreversible approval needs (compared exactly).
 */
export const LinkDecisionRequest = z.object({
  /** Any string: every unusable token, empty or malformed included, gets the same answer. */
  token: z.string().max(8192),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
  confirm: z.string().max(200).optional(),
});
export type LinkDecisionRequest = z.infer<typeof LinkDecisionRequest>;

/** `pending`: the mailer will send it; `unsent`: no SMTP is configured, it is only readable here. */
export const OutboxStatus = z.enum(['pending', 'sent', 'failed', 'unsent']);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

/** An e-mail XEM sent (or would send without SMTP): approver notifications and one-time links. */
export const OutboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  kind: z.string(),
  status: OutboxStatus,
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  created_at: Timestamp,
  sent_at: Timestamp.nullable(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const ListOutboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  status: csv(OutboxStatus).optional(),
});
export type ListOutboxQuery = z.infer<typeof ListOutboxQuery>;

/** `GET …/approvals/:id`: the approval plus whether the caller may decide it, and if not why. */
export const ApprovalDetail = Approval.extend({
  viewer: z.object({ can_decide: z.boolean(), reason: z.string().nullable() }),
});
export type ApprovalDetail = z.infer<typeof ApprovalDetail>;
