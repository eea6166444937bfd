import type { Template } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { resolveTemplateId, type TemplateLister } from './resolve-template';

const at = '2026-01-01T00:00:00.000Z';
function tpl(
  id: string,
  name: string,
  scope: Template['scope'],
  workspace_id: string | null = null,
): Template {
  return {
    id,
    name,
    scope,
    workspace_id,
    version: 1,
    description: '',
    system_prompt: '',
    allowed_tools: [],
    approval_policy: 'standard',
    applicable_workspace_types: [],
    tags: [],
    metadata: {},
    created_by: null,
    created_at: at,
    updated_by: null,
    updated_at: at,
    deleted_at: null,
  };
}

/** Answers like the server: substring match on the name, workspace filter, one row per page. */
function lister(all: Template[]): TemplateLister & { queries: unknown[] } {
  const queries: unknown[] = [];
  return {
    queries,
    list: async (q) => {
      queries.push(q);
      const hits = all.filter(
        (t) =>
          t.name.toLowerCase().includes((q.q ?? '').toLowerCase()) &&
          (q.workspace_id === undefined || t.scope !== 'workspace' || t.workspace_id === q.workspace_id),
      );
      const start = q.cursor === undefined ? 0 : Number(q.cursor);
      return {
        data: hits.slice(start, start + 1),
        next_cursor: start + 1 < hits.length ? String(start + 1) : null,
      };
    },
  };
}

const ID = 'tpl_abcdefghij0123456789';

describe('resolveTemplateId', () => {
  it('takes an id as it is, without asking the server', async () => {
    const l = lister([]);
    expect(await resolveTemplateId(l, ID)).toBe(ID);
    expect(l.queries).toEqual([]);
  });

  it('finds a name across every page, ignoring names that only contain it', async () => {
    const l = lister([tpl('tpl_a', 'deploy canary', 'project'), tpl('tpl_b', 'deploy', 'project')]);
    expect(await resolveTemplateId(l, 'deploy')).toBe('tpl_b');
    expect(l.queries.length).toBe(2);
  });

  it('picks the most specific: workspace (with --workspace), then project, then platform', async () => {
    const all = [
      tpl('tpl_plat', 'deploy', 'platform'),
      tpl('tpl_proj', 'deploy', 'project'),
      tpl('tpl_w1', 'deploy', 'workspace', 'ws_1'),
      tpl('tpl_w2', 'deploy', 'workspace', 'ws_2'),
    ];
    expect(await resolveTemplateId(lister(all), 'deploy')).toBe('tpl_proj');
    expect(await resolveTemplateId(lister(all), 'deploy', 'ws_2')).toBe('tpl_w2');
    expect(await resolveTemplateId(lister(all), 'deploy', 'ws_3')).toBe('tpl_proj');
    expect(await resolveTemplateId(lister(all.slice(0, 1)), 'deploy')).toBe('tpl_plat');
  });

  it('a name only workspaces hold: one is found, several need the id or --workspace', async () => {
    const w1 = tpl('tpl_w1', 'local', 'workspace', 'ws_1');
    expect(await resolveTemplateId(lister([w1]), 'local')).toBe('tpl_w1');
    const two = lister([w1, tpl('tpl_w2', 'local', 'workspace', 'ws_2')]);
    await expect(resolveTemplateId(two, 'local')).rejects.toThrow(
      /tpl_w1 in ws_1, tpl_w2 in ws_2.*--workspace/,
    );
    await expect(resolveTemplateId(two, 'nothing')).rejects.toThrow(/no template named "nothing"/);
  });
});
