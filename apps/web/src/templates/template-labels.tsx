import type { TemplateApprovalPolicy, TemplateScope } from '@xem/protocol';

/** What each approval policy adds to the workspace's own policy (docs/templates.md, spec §8). */
export const POLICY_TEXT: Record<TemplateApprovalPolicy, string> = {
  standard: "The workspace's approval policy decides; nothing is added.",
  elevated: 'Write tools wait for an approval too, on top of the workspace policy.',
  restricted: 'Every tool call waits for an approval.',
};

export const POLICIES: TemplateApprovalPolicy[] = ['standard', 'elevated', 'restricted'];

export const SCOPE_TEXT: Record<TemplateScope, string> = {
  platform: 'Every project sees it; system admins change it.',
  project: "This project's members see it; owners change it.",
  workspace: "Meant for chats in one workspace; the project's owners change it.",
};

const SCOPE_TONE: Record<TemplateScope, string> = { platform: 'crit', project: 'info', workspace: 'ok' };
const POLICY_TONE: Record<TemplateApprovalPolicy, string> = {
  standard: 'mute',
  elevated: 'warn',
  restricted: 'bad',
};

export function ScopeBadge({ scope }: { scope: TemplateScope }) {
  return (
    <span className={`badge ${SCOPE_TONE[scope]}`} title={SCOPE_TEXT[scope]}>
      {scope}
    </span>
  );
}

export function PolicyBadge({ policy }: { policy: TemplateApprovalPolicy }) {
  return (
    <span className={`badge ${POLICY_TONE[policy]}`} title={POLICY_TEXT[policy]}>
      {policy}
    </span>
  );
}

export function Tags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tpl-tags">
      {tags.map((t) => (
        <span key={t} className="badge mute">
          {t}
        </span>
      ))}
    </span>
  );
}
