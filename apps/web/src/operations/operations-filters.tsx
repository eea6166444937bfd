import type { Agent, Tool, Workspace } from '@xem/protocol';
import {
  RISKS,
  SOURCES,
  STATUSES,
  WINDOWS,
  type ExecutionFilters,
  type OperationsSearch,
} from './operations-search';

type Patch = Partial<Record<keyof OperationsSearch, string | undefined>>;

function toggle(list: readonly string[], value: string, on: boolean): string | undefined {
  const next = on ? [...list, value] : list.filter((v) => v !== value);
  return next.length ? next.join(',') : undefined;
}

function Checks({
  legend,
  values,
  selected,
  onChange,
}: {
  legend: string;
  values: readonly string[];
  selected: readonly string[];
  onChange: (v: string | undefined) => void;
}) {
  return (
    <fieldset className="ops-checks">
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} className="inline">
          <input
            type="checkbox"
            checked={selected.includes(v)}
            onChange={(e) => onChange(toggle(selected, v, e.target.checked))}
          />
          {v.replace(/_/g, ' ')}
        </label>
      ))}
    </fieldset>
  );
}

/** A select whose current value stays listed even when the catalogue no longer has it. */
function Pick({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (v: string | undefined) => void;
}) {
  const all =
    value && !options.some((o) => o.value === value) ? [{ value, label: value }, ...options] : options;
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">any</option>
        {all.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filter bar: every control writes the URL, which drives the query. */
export function OperationsFilters({
  filters: f,
  agents,
  workspaces,
  tools,
  onChange,
}: {
  filters: ExecutionFilters;
  agents: Agent[];
  workspaces: Workspace[];
  tools: Tool[];
  onChange: (patch: Patch) => void;
}) {
  const any =
    f.status.length || f.risk.length || f.source.length || f.tool || f.agent || f.workspace || f.window;
  return (
    <form className="filters ops-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <Checks
        legend="Status"
        values={STATUSES}
        selected={f.status}
        onChange={(v) => onChange({ status: v })}
      />
      <Checks legend="Risk" values={RISKS} selected={f.risk} onChange={(v) => onChange({ risk: v })} />
      <Pick
        label="Tool"
        value={f.tool}
        options={tools.map((t) => ({ value: t.name, label: t.name }))}
        onChange={(v) => onChange({ tool: v })}
      />
      <Pick
        label="Agent"
        value={f.agent}
        options={agents.map((a) => ({ value: a.id, label: a.registration_name }))}
        onChange={(v) => onChange({ agent: v })}
      />
      <Pick
        label="Workspace"
        value={f.workspace}
        options={workspaces.map((w) => ({ value: w.name, label: w.name }))}
        onChange={(v) => onChange({ workspace: v })}
      />
      <Pick
        label="Source"
        value={f.source.length === 1 ? f.source[0] : f.source.length ? f.source.join(',') : undefined}
        options={SOURCES.map((s) => ({ value: s, label: s }))}
        onChange={(v) => onChange({ source: v })}
      />
      <label>
        Created within
        <select value={f.window ?? ''} onChange={(e) => onChange({ window: e.target.value || undefined })}>
          <option value="">all time</option>
          {Object.keys(WINDOWS).map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
      </label>
      {any ? (
        <button
          type="button"
          className="btn small"
          onClick={() =>
            onChange({
              status: undefined,
              risk: undefined,
              source: undefined,
              tool: undefined,
              agent: undefined,
              workspace: undefined,
              window: undefined,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
