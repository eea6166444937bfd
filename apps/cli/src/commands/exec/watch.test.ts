import type { ExecutionStatus } from '@xem/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { cliWithFakeApi, type FakeApiCli } from '../../../test/run-with-fake-api';

let cli: FakeApiCli;
beforeAll(async () => (cli = await cliWithFakeApi()));
afterAll(() => cli.close());

/** An execution that stays queued in the fake, so only the events the test sends move it. */
async function slowExecution(): Promise<string> {
  const r = await cli.run(['exec', 'invoke', 'slow', '--workspace', 'default', '--arg', 'ms=1']);
  expect(r.code).toBe(0);
  return r.out.trim();
}

const streamRequests = () => cli.api.seen.filter((r) => r.path.endsWith('/exec/executions/stream'));

/** Sends `x_exec.execution.<event>` for the execution, with it in `status`. */
function send(id: string, event: string, status: ExecutionStatus): string {
  return cli.api.streams.send(`x_exec.execution.${event}`, { ...cli.api.execution(id), status });
}

/** Waits until the command's stream is open (and, with --execution, its first read is done). */
async function untilStreaming(streamsBefore: number, id?: string) {
  await vi.waitFor(() => {
    expect(cli.api.streams.open).toBe(1);
    expect(streamRequests().length).toBe(streamsBefore + 1);
    if (id) expect(cli.api.seen.at(-1)!.path).toBe(`/proj_1/v1/exec/executions/${id}`);
  });
}

const lines = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));

describe('exec watch --execution', () => {
  it('prints the events of that execution only, and exits 0 when it completes', async () => {
    const id = await slowExecution();
    const other = await slowExecution();
    const before = streamRequests().length;
    const watching = cli.run(['exec', 'watch', '--execution', id]);
    await untilStreaming(before, id);
    send(id, 'started', 'dispatched');
    send(other, 'failed', 'failed');
    send(id, 'completed', 'completed');
    const r = await watching;
    expect(r.code).toBe(0);
    const rows = lines(r.out);
    expect(rows.map((l) => l.slice(1))).toEqual([
      ['x_exec.execution.started', id, 'slow', 'dispatched'],
      ['x_exec.execution.completed', id, 'slow', 'completed'],
    ]);
    expect(rows[0]![0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r.err).toContain(`Execution ${id} completed`);
    await vi.waitFor(() => expect(cli.api.streams.open).toBe(0));
  });

  it('takes the id as an argument too; --json prints id/event/data per line; a failure exits 1', async () => {
    const id = await slowExecution();
    const before = streamRequests().length;
    const watching = cli.run(['exec', 'watch', id, '--json']);
    await untilStreaming(before, id);
    const started = send(id, 'started', 'dispatched');
    const failed = send(id, 'failed', 'failed');
    const r = await watching;
    expect(r.code).toBe(1);
    const objects = r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; event: string; data: { id: string; status: string } });
    expect(objects.map((o) => [o.id, o.event, o.data.id, o.data.status])).toEqual([
      [started, 'x_exec.execution.started', id, 'dispatched'],
      [failed, 'x_exec.execution.failed', id, 'failed'],
    ]);
    expect(r.err).toContain(`error: execution ${id} failed`);
  });

  it('ends at once when the execution had already ended before the stream opened', async () => {
    const id = (await cli.run(['exec', 'invoke', 'system_info', '--workspace', 'default'])).out.trim();
    // The fake moves system_info one step per read: queued, dispatched, completed.
    for (let i = 0; i < 3; i++) expect((await cli.run(['exec', 'show', id])).code).toBe(0);
    const r = await cli.run(['-o', 'json', 'exec', 'watch', '--execution', id]);
    expect(r.code).toBe(0);
    const [only, ...rest] = r.out.split('\n').filter(Boolean);
    expect(rest).toEqual([]);
    const printed = JSON.parse(only!) as Record<string, unknown> & { data: Record<string, unknown> };
    expect(printed).toMatchObject({ id: null, event: 'x_exec.execution.completed' });
    expect(printed.data).toMatchObject({ id, status: 'completed' });
    expect(printed.data).not.toHaveProperty('history');
  });

  it('exits 1 for an execution that does not exist', async () => {
    const r = await cli.run(['exec', 'watch', '--execution', 'exe_missing']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no such execution (code not_found');
  });

  it('refuses two different ids (exit 2)', async () => {
    const r = await cli.run(['exec', 'watch', 'exe_a', '--execution', 'exe_b']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('two different executions given');
  });
});

describe('exec watch', () => {
  it('sends the filters, prints every event until Ctrl-C, then exits 0', async () => {
    const a = await slowExecution();
    const b = await slowExecution();
    const io = bufferIo({ tty: true });
    const before = streamRequests().length;
    const watching = cli.run(
      [
        'exec',
        'watch',
        '--workspace',
        'default,ws_9',
        '--status',
        'failed,completed',
        '--risk',
        'read',
        '--tool',
        'slow',
      ],
      { io },
    );
    await untilStreaming(before);
    const query = Object.fromEntries(streamRequests().at(-1)!.query);
    // Workspace names become ids (the stream filters on ids); an id is sent as it is.
    expect(query).toEqual({
      workspace: 'ws_1,ws_9',
      status: 'failed,completed',
      risk: 'read',
      tool: 'slow',
    });
    send(a, 'completed', 'completed');
    send(b, 'failed', 'failed');
    await vi.waitFor(() => expect(io.out().split('\n').filter(Boolean)).toHaveLength(2));
    io.interrupt();
    const r = await watching;
    expect(r.code).toBe(0);
    expect(r.err).toBe('watch: connected, following executions (Ctrl-C to stop)\n');
    // A terminal gets padded columns, times to the second.
    expect(r.out.split('\n')[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +x_exec\\.execution\\.failed +${b} +slow +failed$`,
      ),
    );
    await vi.waitFor(() => expect(cli.api.streams.open).toBe(0));
  });

  it('reconnects after a drop, resuming after the last event, with the change on stderr only', async () => {
    const id = await slowExecution();
    const io = bufferIo();
    const before = streamRequests().length;
    const watching = cli.run(['exec', 'watch'], { io });
    await untilStreaming(before);
    const first = send(id, 'started', 'dispatched');
    cli.api.streams.sendFrame('x_exec.connection.heartbeat', { server_time: 'now', polls: 15 });
    await vi.waitFor(() => expect(io.out()).toContain('x_exec.execution.started'));
    cli.api.streams.drop();
    await untilStreaming(before + 1);
    expect(streamRequests().at(-1)!.headers['last-event-id']).toBe(first);
    send(id, 'completed', 'completed');
    await vi.waitFor(() => expect(io.out()).toContain('x_exec.execution.completed'));
    io.interrupt();
    const r = await watching;
    expect(r.code).toBe(0);
    expect(lines(r.out).map((l) => l[1])).toEqual(['x_exec.execution.started', 'x_exec.execution.completed']);
    expect(r.err.split('\n')[1]).toMatch(/^watch: reconnecting in \d\.\ds: lost the stream from http/);
    expect(r.err).toContain(`watch: live again (resumed after event ${first})`);
  });

  it('exits 4 when the server refuses the key, and when it ends the stream for revoked access', async () => {
    cli.api.streams.refuseWith = { status: 401, code: 'invalid_api_key' };
    try {
      const refused = await cli.run(['exec', 'watch']);
      expect(refused.code).toBe(4);
      expect(refused.err).toContain('(code invalid_api_key, request req_fake)');
    } finally {
      cli.api.streams.refuseWith = null;
    }
    const before = streamRequests().length;
    const watching = cli.run(['exec', 'watch']);
    await untilStreaming(before);
    cli.api.streams.sendFrame('x_exec.connection.closing', { reason: 'access_revoked', reconnect: false });
    const ended = await watching;
    expect(ended.code).toBe(4);
    expect(ended.err).toContain('error: the server ended the stream (access revoked)');
    expect(streamRequests().length).toBe(before + 1);
  });

  it('refuses an unknown status before connecting (exit 2)', async () => {
    const r = await cli.run(['exec', 'watch', '--status', 'done']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown done');
  });
});
