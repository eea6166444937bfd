import type { TemplateVersion } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { PolicyBadge, POLICY_TEXT, Tags } from './template-labels';
import { useTools } from './template-queries';
import type { FieldChange } from './version-diff';

type VersionFields = Omit<TemplateVersion, 'template_id' | 'created_by' | 'created_at'>;

/** A version's fields, read-only; those `changes` names are marked as changed from the version before. */
export function TemplateFieldsView({ v, changes = [] }: { v: VersionFields; changes?: FieldChange[] }) {
  const tools = useTools();
  const risk = new Map((tools.data ?? []).map((t) => [t.name, t.risk]));
  const changed = new Map(changes.map((c) => [c.field, c.summary]));
  const mark = (field: string) =>
    changed.has(field) ? (
      <span className="badge info changed" title={changed.get(field)}>
        changed
      </span>
    ) : null;
  return (
    <dl className="kv tpl-kv">
      <dt>Name {mark('name')}</dt>
      <dd>{v.name}</dd>
      <dt>Description {mark('description')}</dt>
      <dd className="prewrap">{v.description || <span className="muted">—</span>}</dd>
      <dt>Approval policy {mark('approval_policy')}</dt>
      <dd>
        <PolicyBadge policy={v.approval_policy} />{' '}
        <span className="muted">{POLICY_TEXT[v.approval_policy]}</span>
      </dd>
      <dt>Allowed tools {mark('allowed_tools')}</dt>
      <dd>
        {v.allowed_tools.length === 0 ? (
          <span className="muted">None: a chat from this template can call no tool.</span>
        ) : (
          <ul className="chips" aria-label="Allowed tools">
            {v.allowed_tools.map((name) => {
              const r = risk.get(name);
              return (
                <li key={name} className="chip">
                  <span className="mono">{name}</span>
                  {r ? (
                    <StatusBadge value={r} />
                  ) : (
                    !tools.isPending && <span className="badge mute">not offered now</span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </dd>
      <dt>Workspace types {mark('applicable_workspace_types')}</dt>
      <dd>
        {v.applicable_workspace_types.length ? (
          <Tags tags={v.applicable_workspace_types} />
        ) : (
          <span className="muted">any</span>
        )}
      </dd>
      <dt>Tags {mark('tags')}</dt>
      <dd>
        <Tags tags={v.tags} />
      </dd>
      {Object.keys(v.metadata).length > 0 && (
        <>
          <dt>Metadata {mark('metadata')}</dt>
          <dd>
            <pre>{JSON.stringify(v.metadata, null, 2)}</pre>
          </dd>
        </>
      )}
      <dt>System prompt {mark('system_prompt')}</dt>
      <dd>
        {v.system_prompt ? (
          <pre className="tpl-prompt">{v.system_prompt}</pre>
        ) : (
          <span className="muted">—</span>
        )}
      </dd>
    </dl>
  );
}
