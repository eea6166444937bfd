import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '@xem/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { readTemplateDir, sameContent, templateFiles } from './template-dir';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(entries: Record<string, unknown>): string {
  dir = mkdtempSync(join(tmpdir(), 'template-dir-'));
  for (const [name, content] of Object.entries(entries)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const workspaces: Record<string, string> = { 'prod-eu': 'ws_prod', ws_prod: 'ws_prod', ws_dev: 'ws_dev' };
const resolveWorkspace = (ref: string) =>
  workspaces[ref] ? Promise.resolve(workspaces[ref]) : Promise.reject(new Error(`no workspace "${ref}"`));

const defaults = {
  description: '',
  system_prompt: '',
  allowed_tools: [],
  approval_policy: 'standard' as const,
  applicable_workspace_types: [],
  tags: [],
  metadata: {},
};

describe('readTemplateDir', () => {
  it('reads only the *.json files, in name order, each the whole template with defaults', async () => {
    files({
      'b.json': { name: 'b', tags: ['x'] },
      'a.json': { name: 'a', metadata: { description: 'from metadata' } },
      'notes.md': '# not a template',
      'c.yaml': 'name: c',
      '.hidden.json': { name: 'hidden' },
    });
    mkdirSync(join(dir, 'sub.json'));
    expect(templateFiles(dir)).toEqual(['a.json', 'b.json']);
    expect(await readTemplateDir(dir, { resolveWorkspace })).toEqual([
      {
        file: 'a.json',
        body: { ...defaults, name: 'a', scope: 'project', description: 'from metadata' },
        error: null,
      },
      { file: 'b.json', body: { ...defaults, name: 'b', scope: 'project', tags: ['x'] }, error: null },
    ]);
  });

  it('reports bad files by name without stopping: JSON, shape, fields, and two files for one name', async () => {
    files({
      '1-broken.json': '{"name": ',
      '2-list.json': '[1]',
      '3-fields.json': { name: 'bad', allowed_tools: ['Not A Tool'], approval_policy: 'lax' },
      '4-noname.json': { system_prompt: 'x' },
      '5-dup.json': { name: 'dup' },
      '6-dup.json': { name: 'dup', tags: ['other'] },
      '7-dup-elsewhere.json': { name: 'dup', scope: 'workspace', workspace_id: 'prod-eu' },
    });
    const read = await readTemplateDir(dir, { resolveWorkspace });
    expect(read.map((r) => [r.file, r.error])).toEqual([
      ['1-broken.json', expect.stringMatching(/^the file is not valid JSON: /)],
      ['2-list.json', expect.stringMatching(/^the file must hold an object/)],
      ['3-fields.json', expect.stringMatching(/^allowed_tools\.0: .*; approval_policy: /)],
      ['4-noname.json', expect.stringMatching(/^name: /)],
      ['5-dup.json', 'the project template "dup" is also defined by 6-dup.json'],
      ['6-dup.json', 'the project template "dup" is also defined by 5-dup.json'],
      ['7-dup-elsewhere.json', null],
    ]);
    expect(read[6]!.body).toMatchObject({ scope: 'workspace', workspace_id: 'ws_prod' });
  });

  it('--workspace makes workspace templates and refuses files that name another scope or workspace', async () => {
    files({
      'a.json': { name: 'a' },
      'b.json': { name: 'b', scope: 'workspace', workspace_id: 'prod-eu' },
      'c.json': { name: 'c', scope: 'project', workspace_id: null },
      'd.json': { name: 'd', workspace_id: 'ws_dev' },
      'e.json': { name: 'e', scope: 'platform' },
    });
    const read = await readTemplateDir(dir, { workspaceId: 'ws_prod', resolveWorkspace });
    expect(read.map((r) => [r.file, r.body?.scope ?? null, r.body?.workspace_id ?? null, r.error])).toEqual([
      ['a.json', 'workspace', 'ws_prod', null],
      ['b.json', 'workspace', 'ws_prod', null],
      ['c.json', null, null, 'scope is "project", but --workspace makes workspace templates'],
      ['d.json', null, null, 'workspace_id is "ws_dev", not the --workspace ws_prod'],
      ['e.json', null, null, 'scope is "platform", but --workspace makes workspace templates'],
    ]);
  });

  it('refuses a directory it cannot read (usage error)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'template-dir-'));
    await expect(readTemplateDir(join(dir, 'missing'), { resolveWorkspace })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('cannot read the directory'),
    });
  });
});

describe('sameContent', () => {
  const template: Template = {
    id: 'tpl_1',
    scope: 'project',
    workspace_id: null,
    version: 3,
    ...defaults,
    name: 't',
    allowed_tools: ['a', 'b'],
    tags: ['x'],
    metadata: { team: 'sre', limits: { max: 2, min: 1 } },
    created_by: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_by: null,
    updated_at: '2026-01-01T00:00:00.000Z',
    deleted_at: null,
  };
  const body = {
    ...defaults,
    name: 't',
    scope: 'project' as const,
    approval_policy: 'standard' as const,
    allowed_tools: ['b', 'a', 'a'],
    tags: ['x'],
    metadata: { limits: { min: 1, max: 2 }, team: 'sre' },
  };

  it('treats lists as sets and metadata by value', () => {
    expect(sameContent(template, body)).toBe(true);
  });

  it('sees any change of a field', () => {
    expect(sameContent(template, { ...body, system_prompt: 'new' })).toBe(false);
    expect(sameContent(template, { ...body, allowed_tools: ['a'] })).toBe(false);
    expect(sameContent(template, { ...body, tags: [] })).toBe(false);
    expect(sameContent(template, { ...body, metadata: { team: 'sre' } })).toBe(false);
    expect(sameContent(template, { ...body, approval_policy: 'restricted' })).toBe(false);
    expect(sameContent(template, { ...body, description: 'd' })).toBe(false);
  });
});
