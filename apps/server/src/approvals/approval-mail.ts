/** What an approval notification tells its reader. */
export interface ApprovalMailFacts {
  approvalId: string;
  projectName: string;
  workspaceName: string;
  tool: string;
  risk: string;
  args: unknown;
  /** The requester's e-mail, or how the request came in when no person is known. */
  requestedBy: string;
  stageIndex: number;
  stageCount: number;
  requiredApprovals: number;
  deadline: Date;
}

/** How the reader may decide: a one-time link, the dashboard and CLI (members), or neither. */
export interface ApprovalMailAccess {
  /** The one-time link (external reviewers, when links are enabled). */
  linkUrl: string | null;
  /** Set when the reviewer is external but links are disabled on this server. */
  linksDisabled: boolean;
  /** The dashboard page (members). */
  dashboardUrl: string | null;
}

const MAX_ARGS_CHARS = 2000;

/** One line, so nothing in a tool or workspace name can add a header. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

function argsText(args: unknown): string {
  const text = JSON.stringify(args, null, 2) ?? 'null';
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS)}\n… (cut; see the request)` : text;
}

/** Subject and plain-text body of an approval request e-mail. */
export function approvalMail(
  f: ApprovalMailFacts,
  access: ApprovalMailAccess,
): { subject: string; text: string } {
  const escalated = f.stageIndex > 0 ? ` (escalated to stage ${f.stageIndex + 1})` : '';
  const subject = oneLine(`Approval needed: ${f.tool} (${f.risk}) in ${f.workspaceName}${escalated}`);
  const lines = [
    `An execution in the XEM project "${f.projectName}" is waiting for approval.`,
    '',
    `  Tool:        ${f.tool} (${f.risk})`,
    `  Workspace:   ${f.workspaceName}`,
    `  Requested by ${f.requestedBy}`,
    `  Stage:       ${f.stageIndex + 1} of ${f.stageCount}, ${f.requiredApprovals} approval(s) needed`,
    `  Deadline:    ${f.deadline.toISOString()}`,
    `  Approval:    ${f.approvalId}`,
    '',
    'Arguments:',
    argsText(f.args),
    '',
  ];
  const irreversible = f.risk === 'irreversible';
  if (access.linkUrl !== null) {
    lines.push(
      'Review it and decide here (a one-time link for you alone: it works once, expires at the',
      'deadline or when the request moves on, and opening it decides nothing):',
      `  ${access.linkUrl}`,
      '',
    );
    if (irreversible) lines.push(`To approve, you will type the tool name exactly: ${f.tool}`, '');
  } else if (access.linksDisabled) {
    lines.push(
      'You are named as a reviewer, but one-time approval links are disabled on this server',
      '(XEROTIER_APPROVAL_LINK_SECRET is not set). Ask a project owner to decide, or to enable links.',
      '',
    );
  }
  if (access.dashboardUrl !== null) {
    const confirm = irreversible ? ` --confirm ${f.tool}` : '';
    lines.push(
      'Decide in the dashboard:',
      `  ${access.dashboardUrl}`,
      'or with xeroctl:',
      `  xeroctl approvals approve ${f.approvalId}${confirm} [--note <text>]`,
      `  xeroctl approvals reject ${f.approvalId} [--reason <text>]`,
      '',
    );
  }
  lines.push('You get this e-mail because the workspace approval policy names you for this stage.');
  return { subject, text: `${lines.join('\n')}\n` };
}
