import type { ExecutionStatus } from '@xem/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bufferIo, type BufferIo } from '../../../test/buffer-io';
import { BOB_KEY } from '../../../test/fake-xem-api';
import { cliWithFakeApi, type FakeApiCli, type RunResult } from '../../../test/run-with-fake-api';

let cli: FakeApiCli;
beforeAll(async () => (cli = await cliWithFakeApi()));
afterAll(() => cli.close());

const lastCreate = () =>
  cli.api.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/exec/executions')).pop()!;
const streamRequests = () => cli.api.seen.filter((r) => r.path.endsWith('/exec/executions/stream'));
const reads = (id: string) => cli.api.seen.filter((r) => r.path === `/proj_1/v1/exec/executions/${id}`);

interface Waiting {
  id: string;
  io: BufferIo;
  done: Promise<RunResult>;
}

/**
 * Starts `exec invoke <args> --wait` and resolves once it follows the executions stream and has
 * read the execution it waits for (the fake moves it only when the test says so).
 */
async function invokeWaiting(args: string[]): Promise<Waiting> {
  // The streams of earlier commands may still be closing.
  await vi.waitFor(() => expect(cli.api.streams.open).toBe(0));
  const io = bufferIo();
  const before = streamRequests().length;
  const done = cli.run(['exec', 'invoke', ...args, '--wait'], { io });
  let id = '';
  await vi.waitFor(() => {
    expect(streamRequests().length).toBe(before + 1);
    expect(cli.api.streams.open).toBe(1);
    id = /\/executions\/(exe_\d+)$/.exec(cli.api.seen.at(-1)!.path)?.[1] ?? '';
    expect(id).not.toBe('');
  });
  return { id, io, done };
}

/** Moves the execution through `steps` as the server would, each with its stream event. */
function run(id: string, ...steps: ExecutionStatus[]): void {
  for (const status of steps) cli.api.advance(id, status);
}

describe('exec invoke', () => {
  it('sends typed --arg values, prints the id on stdout and how to follow it on stderr', async () => {
    const r = await cli.run([
      'exec',
      'invoke',
      'system_info',
      '--workspace',
      'default',
      '--arg',
      'count=3',
      '--arg',
      'verbose=true',
      '--arg',
      'host=web-1',
      '--arg',
      'zip="007"',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^exe_\d+\n$/);
    expect(r.err).toContain('queued: system_info in default');
    expect(r.err).toContain(`xeroctl exec watch ${r.out.trim()}`);
    expect(lastCreate().body).toEqual({
      workspace: 'default',
      tool: 'system_info',
      args: { count: 3, verbose: true, host: 'web-1', zip: '007' },
      queue: false,
    });
    expect(lastCreate().headers['idempotency-key']).toBeUndefined();
    expect(lastCreate().headers['user-agent']).toMatch(/^xeroctl\/1\.2\.3/);
  });

  it('merges --args-json under --arg, and sends --queue and --idempotency-key', async () => {
    const r = await cli.run([
      'exec',
      'invoke',
      'system_info',
      '--workspace',
      'ws_1',
      '--args-json',
      '{"a":1,"b":[1,2]}',
      '--arg',
      'a=2',
      '--queue',
      '--idempotency-key',
      'deploy-42',
    ]);
    expect(r.code).toBe(0);
    expect(lastCreate().body).toMatchObject({ args: { a: 2, b: [1, 2] }, queue: true });
    expect(lastCreate().headers['idempotency-key']).toBe('deploy-42');
  });

  it('reads --args-file - from stdin', async () => {
    const r = await cli.run(['exec', 'invoke', 'system_info', '--workspace', 'default', '--args-file', '-'], {
      stdin: '{"path":"/etc"}',
    });
    expect(r.code).toBe(0);
    expect(lastCreate().body).toMatchObject({ args: { path: '/etc' } });
  });

  it('exits 2 on malformed arguments before sending anything', async () => {
    const before = cli.api.seen.length;
    for (const args of [
      ['--arg', 'novalue'],
      ['--args-json', '[1]'],
      ['--args-json', '{bad'],
      ['--args-json', '{}', '--args-file', 'x.json'],
      ['--timeout', '5s'],
      ['--wait', '--timeout', 'soon'],
    ]) {
      const r = await cli.run(['exec', 'invoke', 'system_info', '--workspace', 'default', ...args]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.out).toBe('');
    }
    expect(cli.api.seen.length).toBe(before);
  });

  it('--wait follows the stream (no polling) to completion, prints the tool output and exits 0', async () => {
    const w = await invokeWaiting(['system_info', '--workspace', 'default']);
    // Only what can concern this execution is streamed.
    expect(Object.fromEntries(streamRequests().at(-1)!.query)).toEqual({
      workspace: 'ws_1',
      tool: 'system_info',
    });
    run(w.id, 'dispatched', 'completed');
    const r = await w.done;
    expect(r).toMatchObject({ code: 0, out: '{"os":"linux"}\n' });
    expect(r.err).toMatch(/Execution exe_\d+ completed in .+ on agt_1 \(exit 0\)\./);
    // One read once the stream was up, one for the output at the end.
    expect(reads(w.id)).toHaveLength(2);
    await vi.waitFor(() => expect(cli.api.streams.open).toBe(0));
  });

  it('--wait exits 1 with the error when the execution fails', async () => {
    const w = await invokeWaiting(['fail', '--workspace', 'default']);
    run(w.id, 'failed');
    const r = await w.done;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: execution exe_\d+ failed: exit status 3 \(tool_failed\)/);
  });

  it('--wait exits 1 on ambiguous and says what to do', async () => {
    const w = await invokeWaiting(['lost', '--workspace', 'default']);
    run(w.id, 'ambiguous');
    const r = await w.done;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ambiguous; the agent was lost.*exec retry exe_\d+.*exec mark-failed/);
  });

  it('--wait ends at once for an execution that ended before the stream was up', async () => {
    const first = await cli.run([
      'exec',
      'invoke',
      'system_info',
      '--workspace',
      'default',
      '--idempotency-key',
      'k-done',
    ]);
    const id = first.out.trim();
    run(id, 'completed');
    // The same key returns the same execution; the read after connecting finds it completed.
    const r = await cli.run([
      'exec',
      'invoke',
      'system_info',
      '--workspace',
      'default',
      '--idempotency-key',
      'k-done',
      '--wait',
    ]);
    expect(r).toMatchObject({ code: 0, out: '{"os":"linux"}\n' });
  });

  it('--wait exits 8 with the id and status when the timeout passes', async () => {
    const r = await cli.run([
      'exec',
      'invoke',
      'slow',
      '--workspace',
      'default',
      '--wait',
      '--timeout',
      '300ms',
    ]);
    expect(r.code).toBe(8);
    const id = r.out.trim();
    expect(id).toMatch(/^exe_\d+$/);
    expect(r.err).toContain(`error: execution ${id} is still queued after 0.3s`);
  });

  it('--wait -o json prints the final detail', async () => {
    const w = await invokeWaiting(['system_info', '--workspace', 'default', '-o', 'json']);
    run(w.id, 'completed');
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', output: { stdout: '{"os":"linux"}\n' } });
  });

  it('a tool that is not in the catalogue exits 1 with the server code', async () => {
    const r = await cli.run(['exec', 'invoke', 'nope', '--workspace', 'default']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: no tool named nope (code exec_tool_not_found, request req_fake)\n');
  });
});

describe('exec show, raw, list and actions', () => {
  it('show prints fields (tab-separated when piped), raw prints the output as is', async () => {
    const id = (await cli.run(['exec', 'invoke', 'system_info', '--workspace', 'default'])).out.trim();
    // The fake moves system_info one step per read: queued, dispatched, then completed.
    for (let i = 0; i < 2; i++) expect((await cli.run(['exec', 'show', id])).code).toBe(0);
    const shown = await cli.run(['exec', 'show', id]);
    expect(shown.code).toBe(0);
    const fields = Object.fromEntries(
      shown.out
        .trim()
        .split('\n')
        .map((l) => l.split('\t')),
    );
    expect(fields).toMatchObject({
      ID: id,
      TOOL: 'system_info',
      STATUS: 'completed',
      EXIT_CODE: '0',
      HISTORY: 'queued>dispatched>completed',
    });
    const tty = await cli.run(['exec', 'show', id], { tty: true });
    expect(tty.out).toContain('STDOUT:\n{"os":"linux"}\n');
    expect((await cli.run(['exec', 'raw', id])).out).toBe('{"os":"linux"}\n');
    expect((await cli.run(['exec', 'raw', id, '--stderr'])).out).toBe('');
    expect(cli.api.seen.at(-1)!.query.get('stream')).toBe('stderr');
  });

  it('list sends the filters and prints one row per execution', async () => {
    const r = await cli.run([
      'exec',
      'list',
      '--status',
      'failed,timed_out',
      '--risk',
      'read',
      '--source',
      'cli',
      '--tool',
      'fail',
      '--agent',
      'agt_1',
      '--workspace',
      'default',
      '--since',
      '2026-01-01',
      '--limit',
      '5',
    ]);
    expect(r.code).toBe(0);
    const q = Object.fromEntries(cli.api.seen.at(-1)!.query);
    expect(q).toEqual({
      status: 'failed,timed_out',
      risk: 'read',
      source: 'cli',
      tool: 'fail',
      agent: 'agt_1',
      workspace: 'default',
      since: '2026-01-01T00:00:00.000Z',
      limit: '5',
    });
    const rows = r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    expect(rows.every((row) => row.length === 10)).toBe(true);
    expect((await cli.run(['exec', 'list', '--status', 'done'])).code).toBe(2);
  });

  it('cancel, retry and mark-failed print the execution and what happened', async () => {
    const id = (await cli.run(['exec', 'invoke', 'slow', '--workspace', 'default'])).out.trim();
    const c = await cli.run(['exec', 'cancel', id]);
    expect(c.code).toBe(0);
    expect(c.out).toContain('STATUS\tcancelled');
    expect(c.err).toBe(`Cancelled ${id}.\n`);
    const r = await cli.run(['-o', 'json', 'exec', 'retry', id]);
    expect(JSON.parse(r.out)).toMatchObject({ id, status: 'queued' });
    const m = await cli.run(['exec', 'mark-failed', id]);
    expect(m.err).toBe(`Marked ${id} failed.\n`);
  });
});

describe('exec tools and tool-show', () => {
  it('lists tools and shows one with its parameters', async () => {
    const r = await cli.run(['exec', 'tools']);
    expect(r.out.split('\n')[0]!.split('\t')).toEqual([
      'system_info',
      'read',
      'system',
      '10.0s',
      'yes',
      '1',
      'Host facts',
    ]);
    const s = await cli.run(['exec', 'tool-show', 'system_info']);
    const fields = Object.fromEntries(
      s.out
        .trim()
        .split('\n')
        .map((l) => l.split('\t')),
    );
    expect(fields).toMatchObject({
      RISK: 'read',
      DOMAIN: 'system',
      TIMEOUT: '10.0s',
      IDEMPOTENT: 'yes',
      MCP_VISIBLE: 'yes',
      AGENTS: 'web-1 (agt_1, online)',
    });
    expect(JSON.parse(fields.PARAMS!)).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: false,
    });
    const tty = await cli.run(['exec', 'tool-show', 'system_info'], { tty: true });
    expect(tty.out).toMatch(/^RISK: +read$/m);
    expect(tty.out).toContain('\nNo parameters.\n');
    const params = (await cli.run(['exec', 'tool-show', 'slow'], { tty: true })).out.split('\n\n')[1]!;
    expect(params.split('\n').map((l) => l.trimEnd())).toEqual([
      'PARAM  TYPE           REQUIRED  DEFAULT  DESCRIPTION',
      'ms     integer        yes       -        how long to wait',
      'mode   "soft"|"hard"  no        "soft"   -',
      '',
    ]);
    const missing = await cli.run(['exec', 'tool-show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('code exec_tool_not_found');
  });
});

describe('exec invoke of a tool that needs an approval', () => {
  it('prints the approval and the approve command; --wait exits 8 while it is still pending at --timeout', async () => {
    const r = await cli.run([
      'exec',
      'invoke',
      'directory_purge',
      '--workspace',
      'default',
      '--arg',
      'path=tmp',
      '--wait',
      '--timeout',
      '300ms',
    ]);
    expect(r.code).toBe(8);
    const id = r.out.trim();
    const approvalId = cli.api.execution(id).approval_id!;
    expect(approvalId).toMatch(/^apr_\d+$/);
    expect(r.err).toContain(
      `Execution ${id} needs approval ${approvalId} (irreversible) before it runs. An approver can run:\n  xeroctl approvals approve ${approvalId} --confirm directory_purge\n`,
    );
    expect(r.err).toContain(
      `error: execution ${id} is still pending_approval after 0.3s: approval ${approvalId} has no decision yet; an approver can run "xeroctl approvals approve ${approvalId} --confirm directory_purge"; follow it with "xeroctl exec watch ${id}"`,
    );

    const plain = await cli.run([
      'exec',
      'invoke',
      'file_delete',
      '--workspace',
      'default',
      '--arg',
      'path=a',
    ]);
    expect(plain.code).toBe(0);
    const other = cli.api.execution(plain.out.trim()).approval_id!;
    // Destructive tools need no typed confirmation, so the command has no --confirm.
    expect(plain.err).toContain(`An approver can run:\n  xeroctl approvals approve ${other}\n`);
  });

  it('--wait runs on once another person approves, and exits 0 when it completes', async () => {
    const w = await invokeWaiting(['directory_purge', '--workspace', 'default', '--arg', 'path=tmp']);
    const approvalId = cli.api.execution(w.id).approval_id!;
    expect(w.io.err()).toContain(`needs approval ${approvalId}`);
    const approved = await cli.run([
      'approvals',
      'approve',
      approvalId,
      '--confirm',
      'directory_purge',
      '--api-key',
      BOB_KEY,
    ]);
    expect(approved.code).toBe(0);
    await vi.waitFor(() =>
      expect(w.io.err()).toContain(`Approval ${approvalId} granted; execution ${w.id} is queued.`),
    );
    run(w.id, 'dispatched', 'completed');
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`Execution ${w.id} completed`));
  });

  it('--wait exits 1 when the approval is rejected, with who rejected it and why', async () => {
    const w = await invokeWaiting(['file_delete', '--workspace', 'default', '--arg', 'path=a']);
    const approvalId = cli.api.execution(w.id).approval_id!;
    const rejected = await cli.run([
      'approvals',
      'reject',
      approvalId,
      '--reason',
      'wrong host',
      '--api-key',
      BOB_KEY,
    ]);
    expect(rejected.code).toBe(0);
    const r = await w.done;
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Approval ${approvalId} was rejected by bob@x.test (usr_2): "wrong host"\n`);
    expect(r.err).toContain(`error: execution ${w.id} rejected\n`);
  });
});
