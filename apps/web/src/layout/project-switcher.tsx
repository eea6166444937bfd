import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ops } from '../ops-client';
import { SESSION_KEY, useSession } from '../session/use-session';
import { errorText } from '../ui/states';

/** The session's active project; switching reloads the page so every view and the stream follow. */
export function ProjectSwitcher() {
  const session = useSession();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  if (session.projects.length === 0) return <span className="muted">no project</span>;
  return (
    <label className="project-switcher">
      <span className="sr-only">Project</span>
      <select
        value={session.active_project_id ?? ''}
        title={error ?? 'Active project'}
        onChange={async (e) => {
          try {
            qc.setQueryData(SESSION_KEY, await ops.switchProject({ project_id: e.target.value }));
            window.location.assign('/ops/');
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        {session.active_project_id === null && <option value="">Choose a project</option>}
        {session.projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
