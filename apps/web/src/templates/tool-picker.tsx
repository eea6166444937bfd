import { ToolName } from '@xem/protocol';
import { useState } from 'react';
import { StatusBadge } from '../ui/status-badge';
import { ListInput } from './list-input';
import { useTools } from './template-queries';

/**
 * `allowed_tools`: tick tools of the project's catalogue (with their risk), or type any other
 * name — tools are matched exactly by name when a chat calls one, and an agent offering it may
 * come later.
 */
export function ToolPicker({
  values,
  onChange,
  error,
  disabled,
}: {
  values: string[];
  onChange: (values: string[]) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const tools = useTools();
  const [filter, setFilter] = useState('');
  const catalogue = tools.data ?? [];
  const known = new Set(catalogue.map((t) => t.name));
  const chosen = new Set(values);
  const others = values.filter((v) => !known.has(v));
  const needle = filter.trim().toLowerCase();
  const shown = catalogue.filter(
    (t) => !needle || t.name.includes(needle) || t.description.toLowerCase().includes(needle),
  );
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...values, name].sort() : values.filter((v) => v !== name));

  return (
    <fieldset className="field tool-picker" disabled={disabled}>
      <legend>Allowed tools</legend>
      <div className="muted field-hint">
        The whole list a chat from this template may call, matched exactly by name.{' '}
        {values.length === 0 ? 'None chosen: such a chat can call no tool.' : `${values.length} chosen.`}
      </div>
      <div className="row">
        <label className="inline muted" htmlFor="tool-filter">
          Filter the catalogue
        </label>
        <input
          id="tool-filter"
          type="search"
          value={filter}
          placeholder="name or description"
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <div className="tool-list" role="group" aria-label="Tool catalogue">
        {tools.isPending ? (
          <div className="muted">Loading the tool catalogue…</div>
        ) : tools.isError ? (
          <div className="error-text">Could not load the tool catalogue; type names below.</div>
        ) : shown.length === 0 ? (
          <div className="muted">
            {catalogue.length === 0 ? 'No agent offers a tool yet.' : 'No tool matches the filter.'}
          </div>
        ) : (
          shown.map((t) => (
            <label key={t.name} className="inline tool-option" title={t.description}>
              <input
                type="checkbox"
                checked={chosen.has(t.name)}
                onChange={(e) => toggle(t.name, e.target.checked)}
              />
              <span className="mono">{t.name}</span>
              <StatusBadge value={t.risk} />
              <span className="muted tool-desc">{t.description}</span>
            </label>
          ))
        )}
      </div>
      <ListInput
        id="tool-free"
        label="Other tool by name"
        hint="A tool no agent offers right now is accepted; it can be called once one does."
        values={others}
        onChange={(extra) => onChange([...new Set([...values.filter((v) => known.has(v)), ...extra])].sort())}
        entry={ToolName}
        error={error}
        placeholder="e.g. kubectl_get"
        renderChip={(v) => (
          <>
            <span className="mono">{v}</span>
            {!tools.isPending && <span className="badge mute">not offered now</span>}
          </>
        )}
      />
    </fieldset>
  );
}
