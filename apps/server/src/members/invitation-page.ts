/** Minimal server-rendered pages for the invitation link: no scripts, no inline styles (CSP). */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · XEM</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

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
  return page(
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
  return page(title, `<p>${escapeHtml(message)}</p>`);
}
