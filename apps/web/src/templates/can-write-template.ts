import type { SessionInfo, TemplateScope } from '@xem/protocol';
import { isOwner } from '../session/use-session';

/** Platform templates are changed by system admins; the others by the project's owners (and admins). */
export function canWriteTemplate(session: SessionInfo, scope: TemplateScope): boolean {
  return scope === 'platform' ? session.user.is_admin : isOwner(session);
}
