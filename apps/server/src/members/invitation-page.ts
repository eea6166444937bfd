/** The invitation link's pages (see http/html-page.ts). */
import { escapeHtml, htmlPage } from '../http/html-page';

export function invitationFormPage(inv: {
  token: string;
  email: string;
  role: string;
  projectName: string;
  existingAccount: boolean;
}): string {
  const passwordHelp = inv.existingAccount
    ? 'You already have an account: enter its password to join.'
    : 'Choose a password (at least 10 characters).';
  return htmlPage(
    `Join ${inv.projectName}`,
    `<p>You were invited to the XEM project <strong>${escapeHtml(inv.projectName)}</strong> as
<strong>${escapeHtml(inv.role)}</strong>, with the e-mail <strong>${escapeHtml(inv.email)}</strong>.</p>
<form method="post" action="/ops/invitations/accept/form">
<input type="hidden" name="token" value="${escapeHtml(inv.token)}">
${inv.existingAccount ? '' : '<p><label>Your name <input name="name" autocomplete="name" maxlength="120"></label></p>'}
<p><label>Password <input name="password" type="password" required minlength="${inv.existingAccount ? 1 : 10}" maxlength="256"
autocomplete="${inv.existingAccount ? 'current-password' : 'new-password'}"></label></p>
<p>${passwordHelp}</p>
<p><button type="submit">Join the project</button></p>
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return htmlPage(title, `<p>${escapeHtml(message)}</p>`);
}
