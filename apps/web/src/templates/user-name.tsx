import { useSession } from '../session/use-session';
import { useMembers } from './template-queries';

/** Who stored something: "you", a member's name, or the id (a former member, another project's admin). */
export function UserName({ id }: { id: string | null }) {
  const session = useSession();
  const members = useMembers();
  if (!id) return <span className="muted">—</span>;
  if (id === session.user.id) return <span title={id}>you</span>;
  const m = members.data?.find((x) => x.user_id === id);
  if (m) return <span title={`${m.email} · ${id}`}>{m.name || m.email}</span>;
  return <span className="mono">{id}</span>;
}
