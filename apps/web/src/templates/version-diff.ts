import type { TemplateVersion } from '@xem/protocol';

export interface FieldChange {
  field: string;
  /** Short, e.g. "standard → elevated", "+echo −noop", "edited". */
  summary: string;
}

const LISTS = ['allowed_tools', 'applicable_workspace_types', 'tags'] as const;

function short(s: string): string {
  return s.length > 40 ? `“${s.slice(0, 39)}…”` : `“${s}”`;
}

/** What `next` changed compared with `prev` (its predecessor), field by field. */
export function diffVersions(prev: TemplateVersion, next: TemplateVersion): FieldChange[] {
  const out: FieldChange[] = [];
  if (prev.name !== next.name)
    out.push({ field: 'name', summary: `${short(prev.name)} → ${short(next.name)}` });
  if (prev.approval_policy !== next.approval_policy)
    out.push({ field: 'approval_policy', summary: `${prev.approval_policy} → ${next.approval_policy}` });
  if (prev.description !== next.description) out.push({ field: 'description', summary: 'edited' });
  if (prev.system_prompt !== next.system_prompt) {
    const d = next.system_prompt.length - prev.system_prompt.length;
    out.push({ field: 'system_prompt', summary: `edited (${d >= 0 ? '+' : '−'}${Math.abs(d)} chars)` });
  }
  for (const f of LISTS) {
    const before = new Set(prev[f]);
    const after = new Set(next[f]);
    const added = next[f].filter((x) => !before.has(x));
    const removed = prev[f].filter((x) => !after.has(x));
    if (added.length || removed.length)
      out.push({
        field: f,
        summary: [...added.map((x) => `+${x}`), ...removed.map((x) => `−${x}`)].join(' '),
      });
  }
  if (JSON.stringify(prev.metadata) !== JSON.stringify(next.metadata))
    out.push({ field: 'metadata', summary: 'edited' });
  return out;
}
