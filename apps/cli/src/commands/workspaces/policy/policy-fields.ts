import type { ApprovalPolicy, LevelPolicy, Risk } from '@xem/protocol';
import type { CellValue, Column } from '../../../output';

const LEVELS: readonly Risk[] = ['read', 'write', 'destructive', 'irreversible'];

/** `approval required, timeout 900s, on timeout escalate, self-approval allowed`. */
export function levelSummary(l: LevelPolicy): string {
  return [
    l.requires_approval ? 'approval required' : 'no approval',
    `timeout ${l.timeout_seconds}s`,
    `on timeout ${l.on_timeout}`,
    `self-approval ${l.self_approval}`,
  ].join(', ');
}

/** `1) 1 of role:owner|delegates:destructive within 900s; 2) …` (each stage's timeout as it applies). */
export function stagesSummary(l: LevelPolicy): string {
  return l.escalation
    .map(
      (s, i) =>
        `${i + 1}) ${s.required_approvals} of ${s.approvers.join('|')} within ${s.timeout_seconds ?? l.timeout_seconds}s`,
    )
    .join('; ');
}

/** One policy version as fields: who changed it when, then each level and its stages. */
export function policyFields(p: ApprovalPolicy): Array<[string, CellValue]> {
  return [
    ['WORKSPACE', p.workspace_id],
    ['VERSION', p.version],
    ['UPDATED_AT', p.updated_at],
    ['UPDATED_BY', p.updated_by],
    ...LEVELS.flatMap((risk): Array<[string, CellValue]> => [
      [risk.toUpperCase(), levelSummary(p.levels[risk])],
      [`${risk.toUpperCase()}_STAGES`, stagesSummary(p.levels[risk])],
    ]),
  ];
}

/** `workspaces policy history` columns. */
export const POLICY_VERSION_COLUMNS: Column<ApprovalPolicy>[] = [
  { header: 'VERSION', value: (p) => p.version },
  { header: 'UPDATED_AT', value: (p) => p.updated_at, time: true },
  { header: 'UPDATED_BY', value: (p) => p.updated_by },
  { header: 'APPROVAL_REQUIRED', value: (p) => LEVELS.filter((r) => p.levels[r].requires_approval) },
];
