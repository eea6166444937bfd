import type { Approval } from '@xem/protocol';
import { escapeHtml as e, htmlPage } from '../http/html-page';
import { LINK_INVALID_MESSAGE } from './decide-approval';
import type { LinkView } from './open-approval-link';

const MAX_ARGS_CHARS = 20_000;

function argsBlock(args: unknown): string {
  let text = JSON.stringify(args, null, 2) ?? 'null';
  if (text.length > MAX_ARGS_CHARS) text = `${text.slice(0, MAX_ARGS_CHARS)}\n… (cut)`;
  return `<pre>${e(text)}</pre>`;
}

function decisionsBlock(a: Approval): string {
  if (a.votes.length === 0) return '<p>No decisions yet.</p>';
  const rows = a.votes.map((v) => {
    const who = v.email ?? v.user_id ?? 'unknown';
    const words = v.decision === 'approve' ? v.note : v.reason;
    return `<li>Stage ${v.stage_index + 1}: <strong>${e(v.decision === 'approve' ? 'approved' : 'rejected')}</strong> by ${e(who)} (${e(v.via)}, ${e(v.at)})${words ? `: ${e(words)}` : ''}</li>`;
  });
  return `<ul>\n${rows.join('\n')}\n</ul>`;
}

/** An HTML `pattern` (a whole-value RegExp, `v` flag) matching exactly `text`. */
export function exactPattern(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * The read-only view of the request and the decision form. Opening it changes nothing; the form
 * POSTs the token back with the decision (and, for irreversible tools, the typed tool name).
 */
export function approvalLinkPage(view: LinkView, token: string, error?: string): string {
  const a = view.approval;
  const irreversible = a.risk === 'irreversible';
  // `required` and `pattern` keep Approve from submitting until the name is typed exactly (the
  // browser checks, no script needed; Reject skips the check with formnovalidate). The server
  // compares byte for byte all the same.
  const confirmBox = irreversible
    ? `<p><label>To approve this irreversible action, type the tool name exactly: <code>${e(a.tool)}</code><br>
<input name="confirm" required pattern="${e(exactPattern(a.tool))}" title="the tool name, exactly: ${e(a.tool)}" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="200"></label></p>`
    : '';
  return htmlPage(
    `Approve ${a.tool}?`,
    `${error ? `<p role="alert"><strong>${e(error)}</strong></p>` : ''}
<p>${e(view.requester)} asks to run <strong>${e(a.tool)}</strong> in the workspace
<strong>${e(view.workspaceName)}</strong> of the XEM project <strong>${e(view.projectName)}</strong>.
You (${e(view.claims.sub)}) are asked to review it.</p>
<dl>
<dt>Tool</dt><dd><code>${e(a.tool)}</code></dd>
<dt>Risk</dt><dd class="risk-${e(a.risk)}">${e(a.risk)}</dd>
<dt>Requested by</dt><dd>${e(view.requester)} (${e(a.requested_by.source)}) at ${e(a.created_at)}</dd>
<dt>Stage</dt><dd>${a.stage_index + 1} of ${a.stage_count}: ${a.required_approvals} approval(s) needed, ${a.approvals_so_far} so far</dd>
<dt>Deadline</dt><dd>${e(a.stage_deadline_at)} (UTC); the link expires with it</dd>
<dt>Approval</dt><dd><code>${e(a.id)}</code></dd>
</dl>
<h2>Arguments</h2>
${argsBlock(a.args)}
<h2>Decisions so far</h2>
${decisionsBlock(a)}
<h2>Your decision</h2>
<form method="post" action="/ops/approval/${encodeURIComponent(a.id)}">
<input type="hidden" name="token" value="${e(token)}">
<p><label>Note or reason (stored with your decision)<br>
<textarea name="comment" rows="3" cols="60" maxlength="2000"></textarea></label></p>
${confirmBox}
<p><button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="reject" formnovalidate>Reject</button></p>
</form>
<p>This link is for you alone and works once. Opening it decided nothing.</p>`,
  );
}

/** The one answer for every link that cannot be used: tampered, expired, used, moved on, foreign. */
export function linkInvalidPage(): string {
  return htmlPage('Approval link not valid', `<p>${e(LINK_INVALID_MESSAGE)}.</p>`);
}

/** After a decision through the link. */
export function linkDecidedPage(a: Approval, decision: 'approve' | 'reject'): string {
  if (decision === 'reject') {
    return htmlPage('Rejected', `<p>You rejected ${e(a.tool)}; it will not run.</p>`);
  }
  if (a.status === 'approved') {
    return htmlPage('Approved', `<p>You approved ${e(a.tool)}; it is queued to run.</p>`);
  }
  return htmlPage(
    'Approval recorded',
    `<p>Your approval of ${e(a.tool)} is recorded: ${a.approvals_so_far} of ${a.required_approvals} needed at this stage.</p>`,
  );
}

/** A refusal other than an invalid link (separation of duties, a changed action). */
export function linkRefusedPage(message: string): string {
  return htmlPage('Decision not recorded', `<p>${e(message)}</p>`);
}
