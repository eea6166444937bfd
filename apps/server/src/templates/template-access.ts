import type { TemplateScope } from '@xem/protocol';
import { AppError } from '../http/app-error';
import { assertOwner, type Actor } from '../http/principal';

/**
 * Who may change a template of `scope`: platform templates are shared by every project, so only
 * system admins change them; project and workspace templates are for the project's owners.
 * Reading is open to every member (and every project, for platform templates).
 */
export function assertCanWriteTemplate(actor: Actor, scope: TemplateScope, what: string): void {
  if (scope !== 'platform') return assertOwner(actor, `${what} templates`);
  if (!actor.isAdmin) {
    throw new AppError('admin_required', `only system admins can ${what} platform templates`);
  }
}
