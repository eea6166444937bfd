import { TemplateTag, WorkspaceType, type TemplateScope } from '@xem/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ListInput } from './list-input';
import { POLICIES, POLICY_TEXT, SCOPE_TEXT } from './template-labels';
import type { FormErrors, FormField, TemplateFormValues } from './template-form-values';
import { useWorkspaces } from './template-queries';
import { ToolPicker } from './tool-picker';

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="error-text" id={`${id}-error`} role="alert">
      {text}
    </p>
  );
}

/** aria props tying an input to its error message. */
function invalid(id: string, text: string | undefined) {
  return text ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}

/**
 * The template form of /ops/templates/new and /ops/templates/:id/edit. `onSubmit` validates and
 * saves; it answers the errors to show per field (the client's checks or the server's refusal).
 * Scope and workspace are chosen at creation only (a template is widened with Promote).
 */
export function TemplateForm({
  initial,
  mode,
  isAdmin,
  readOnly,
  submitLabel,
  onSubmit,
  notice,
  footer,
}: {
  initial: TemplateFormValues;
  mode: 'create' | 'edit';
  isAdmin: boolean;
  readOnly: boolean;
  submitLabel: string;
  onSubmit: (values: TemplateFormValues) => Promise<FormErrors>;
  /** A status line after a save that changed nothing. */
  notice?: string | null;
  footer?: ReactNode;
}) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const workspaces = useWorkspaces();
  const set = <K extends FormField>(k: K, value: TemplateFormValues[K]) => {
    setV((old) => ({ ...old, [k]: value }));
    setErrors((old) => ({ ...old, [k]: undefined, form: undefined }));
  };
  const scopes: TemplateScope[] = isAdmin ? ['project', 'workspace', 'platform'] : ['project', 'workspace'];
  const types = [...new Set((workspaces.data ?? []).map((w) => w.type))].sort();
  const wsName = workspaces.data?.find((w) => w.id === v.workspace_id)?.name ?? v.workspace_id;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const found = await onSubmit(v).finally(() => setBusy(false));
    setErrors(found);
    const first = Object.keys(found).find((k) => k !== 'form' && found[k as FormField]);
    if (first) document.getElementById(`tpl-${first}`)?.focus();
  };

  return (
    <form className="form tpl-form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
      <fieldset className="tpl-fields" disabled={readOnly}>
        <div className="grid2">
          <div className="stack">
            <div className="field">
              <label htmlFor="tpl-name">Name</label>
              <input
                id="tpl-name"
                value={v.name}
                maxLength={100}
                autoComplete="off"
                onChange={(e) => set('name', e.target.value)}
                {...invalid('tpl-name', errors.name)}
              />
              <FieldError id="tpl-name" text={errors.name} />
            </div>
            {mode === 'create' ? (
              <fieldset className="field" id="tpl-scope">
                <legend>Scope</legend>
                <div className="row">
                  {scopes.map((s) => (
                    <label key={s} className="inline">
                      <input
                        type="radio"
                        name="scope"
                        value={s}
                        checked={v.scope === s}
                        onChange={() => set('scope', s)}
                      />
                      {s}
                    </label>
                  ))}
                </div>
                <div className="muted field-hint">{SCOPE_TEXT[v.scope]}</div>
                <FieldError id="tpl-scope" text={errors.scope} />
              </fieldset>
            ) : (
              <div className="field">
                <span className="field-label">Scope</span>
                <span>
                  {v.scope}
                  {v.scope === 'workspace' && <> · workspace {wsName}</>}{' '}
                  <span className="muted">(widened with Promote, never here)</span>
                </span>
              </div>
            )}
            {mode === 'create' && v.scope === 'workspace' && (
              <div className="field">
                <label htmlFor="tpl-workspace_id">Workspace</label>
                <select
                  id="tpl-workspace_id"
                  value={v.workspace_id}
                  onChange={(e) => set('workspace_id', e.target.value)}
                  {...invalid('tpl-workspace_id', errors.workspace_id)}
                >
                  <option value="">{workspaces.isPending ? 'Loading…' : 'Choose a workspace'}</option>
                  {(workspaces.data ?? []).map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name} ({w.type})
                    </option>
                  ))}
                </select>
                <FieldError id="tpl-workspace_id" text={errors.workspace_id} />
              </div>
            )}
            <div className="field">
              <label htmlFor="tpl-description">Description</label>
              <textarea
                id="tpl-description"
                className="prose"
                rows={3}
                value={v.description}
                maxLength={2000}
                onChange={(e) => set('description', e.target.value)}
                {...invalid('tpl-description', errors.description)}
              />
              <FieldError id="tpl-description" text={errors.description} />
            </div>
            <fieldset className="field" id="tpl-approval_policy">
              <legend>Approval policy</legend>
              {POLICIES.map((p) => (
                <label key={p} className="inline policy-option">
                  <input
                    type="radio"
                    name="approval_policy"
                    value={p}
                    checked={v.approval_policy === p}
                    onChange={() => set('approval_policy', p)}
                  />
                  <strong>{p}</strong>
                  <span className="muted">{POLICY_TEXT[p]}</span>
                </label>
              ))}
              <FieldError id="tpl-approval_policy" text={errors.approval_policy} />
            </fieldset>
            <ListInput
              id="tpl-applicable_workspace_types"
              label="Applicable workspace types"
              hint="Empty: any workspace."
              values={v.applicable_workspace_types}
              onChange={(x) => set('applicable_workspace_types', x)}
              entry={WorkspaceType}
              suggestions={types}
              error={errors.applicable_workspace_types}
              placeholder="e.g. kubernetes"
            />
            <ListInput
              id="tpl-tags"
              label="Tags"
              values={v.tags}
              onChange={(x) => set('tags', x)}
              entry={TemplateTag}
              error={errors.tags}
              placeholder="e.g. sre"
            />
          </div>
          <div className="stack">
            <div className="field">
              <label htmlFor="tpl-system_prompt">System prompt</label>
              <textarea
                id="tpl-system_prompt"
                rows={14}
                value={v.system_prompt}
                onChange={(e) => set('system_prompt', e.target.value)}
                {...invalid('tpl-system_prompt', errors.system_prompt)}
              />
              <div className="muted field-hint">
                {v.system_prompt.length.toLocaleString()} of 100,000 characters
              </div>
              <FieldError id="tpl-system_prompt" text={errors.system_prompt} />
            </div>
            <div id="tpl-allowed_tools" tabIndex={-1}>
              <ToolPicker
                values={v.allowed_tools}
                onChange={(x) => set('allowed_tools', x)}
                error={errors.allowed_tools}
              />
            </div>
          </div>
        </div>
      </fieldset>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {errors.form && (
        <p className="notice error-notice" role="alert">
          {errors.form}
        </p>
      )}
      <div className="row">
        <button className="btn primary" type="submit" disabled={readOnly || busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {footer}
      </div>
    </form>
  );
}
