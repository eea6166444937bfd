import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli-error';
import { readTemplateFile } from './read-template-file';

const dir = mkdtempSync(join(tmpdir(), 'template-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noStdin = () => Promise.reject(new Error('stdin not expected'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readTemplateFile', () => {
  it('reads YAML (with a multi-line prompt) and JSON', async () => {
    const yaml = file(
      't.yaml',
      'name: triage\nsystem_prompt: |\n  You help.\n  Be careful.\nallowed_tools: [kubectl_get]\napproval_policy: elevated\n',
    );
    expect(await readTemplateFile(yaml, noStdin)).toEqual({
      name: 'triage',
      system_prompt: 'You help.\nBe careful.\n',
      allowed_tools: ['kubectl_get'],
      approval_policy: 'elevated',
    });
    const json = file('t.json', JSON.stringify({ name: 'x', tags: ['a'] }));
    expect(await readTemplateFile(json, noStdin)).toEqual({ name: 'x', tags: ['a'] });
    expect(await readTemplateFile('-', () => Promise.resolve('{"name": "from stdin"}'))).toEqual({
      name: 'from stdin',
    });
  });

  it('takes what show -o json prints, dropping only the fields the server sets', async () => {
    const shown = {
      id: 'tpl_1',
      scope: 'project',
      workspace_id: null,
      name: 'triage',
      version: 3,
      description: 'd',
      metadata: { team: 'sre' },
      created_by: 'usr_1',
      created_at: 'x',
      updated_by: 'usr_1',
      updated_at: 'x',
      deleted_at: null,
    };
    expect(await readTemplateFile(file('shown.json', JSON.stringify(shown)), noStdin)).toEqual({
      scope: 'project',
      workspace_id: null,
      name: 'triage',
      description: 'd',
      metadata: { team: 'sre' },
    });
  });

  it("lifts the vendor's metadata.description and metadata.tags unless given at the top", async () => {
    const vendor = file(
      'v.yaml',
      'name: v\nmetadata:\n  description: from metadata\n  tags: [a, b]\n  team: sre\n',
    );
    expect(await readTemplateFile(vendor, noStdin)).toEqual({
      name: 'v',
      description: 'from metadata',
      tags: ['a', 'b'],
      metadata: { team: 'sre' },
    });
    const both = file('b.json', JSON.stringify({ description: 'top', metadata: { description: 'inner' } }));
    expect(await readTemplateFile(both, noStdin)).toEqual({
      description: 'top',
      metadata: { description: 'inner' },
    });
  });

  it('refuses an unreadable file, bad syntax and anything but an object (usage errors)', async () => {
    await expect(readTemplateFile(join(dir, 'missing.yaml'), noStdin)).rejects.toThrow(/cannot read/);
    await expect(readTemplateFile(file('bad.json', '{"name":'), noStdin)).rejects.toThrow(/not valid JSON/);
    await expect(readTemplateFile(file('bad.yaml', 'a: [1,'), noStdin)).rejects.toThrow(/YAML or JSON/);
    const list = readTemplateFile(file('list.yaml', '- a\n- b\n'), noStdin);
    await expect(list).rejects.toBeInstanceOf(UsageError);
  });
});
