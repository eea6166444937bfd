import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli-error';
import { readPolicyFile } from './read-policy-file';

const dir = mkdtempSync(join(tmpdir(), 'policy-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noStdin = () => Promise.reject(new Error('stdin not expected'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const stage = { approvers: ['role:owner'], required_approvals: 1 };

describe('readPolicyFile', () => {
  it('reads YAML and JSON into the PUT body', async () => {
    const yaml = file('p.yaml', 'levels:\n  write:\n    requires_approval: false\n    escalation: []\n');
    expect(await readPolicyFile(yaml, noStdin)).toEqual({
      levels: { write: { requires_approval: false, escalation: [] } },
    });
    const json = file('p.json', JSON.stringify({ levels: { read: { escalation: [stage] } } }));
    expect(await readPolicyFile(json, noStdin)).toEqual({ levels: { read: { escalation: [stage] } } });
  });

  it('takes a policy as show --json prints it, dropping only the fields the server sets', async () => {
    const shown = file(
      'shown.json',
      JSON.stringify({
        workspace_id: 'ws_1',
        version: 3,
        levels: {},
        updated_at: '2026-01-01T00:00:00.000Z',
        updated_by: 'usr_1',
        extra: true,
      }),
    );
    // `extra` goes to the server, which refuses it by name.
    expect(await readPolicyFile(shown, noStdin)).toEqual({ levels: {}, extra: true });
  });

  it('reads stdin for -, as YAML (which also reads JSON)', async () => {
    expect(await readPolicyFile('-', () => Promise.resolve('{"levels": {}}'))).toEqual({ levels: {} });
    expect(await readPolicyFile('-', () => Promise.resolve('levels: {}\n'))).toEqual({ levels: {} });
  });

  it('refuses unreadable, unparsable and level-less files as usage errors', async () => {
    const cases = [
      [join(dir, 'missing.yaml'), /cannot read/],
      [file('broken.json', '{"levels": '), /is not valid JSON/],
      [file('broken.yaml', 'levels: [\n'), /is not valid YAML or JSON/],
      [file('list.yaml', '- levels\n'), /must hold an object with "levels"/],
      [file('none.json', '{"level": {}}'), /must hold an object with "levels"/],
    ] as const;
    for (const [path, message] of cases) {
      const err = await readPolicyFile(path, noStdin).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
