import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { BOB_KEY } from '../../../test/fake-xem-api';
import { cliWithFakeApi, type FakeApiCli } from '../../../test/run-with-fake-api';
import { CONFIRM_QUESTION } from './approve';

let cli: FakeApiCli;
beforeAll(async () => (cli = await cliWithFakeApi()));
afterAll(() => cli.close());

const asBob = ['--api-key', BOB_KEY];

/** Ann (the default key) asks to run a risky tool; returns the execution and its approval. */
async function request(tool: 'directory_purge' | 'file_delete') {
  const r = await cli.run(['exec', 'invoke', tool, '--workspace', 'default', '--arg', 'path=tmp']);
  expect(r.code).toBe(0);
  const executionId = r.out.trim();
  return { executionId, approvalId: cli.api.execution(executionId).approval_id! };
}

const decisions = () => cli.api.seen.filter((r) => r.method === 'POST' && r.path.includes('/approvals/'));
const fields = (out: string) =>
  Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('\t')),
  ) as Record<string, string>;

describe('approvals approve (irreversible: typed confirmation)', () => {
  it('on a terminal asks for the tool name and sends exactly what was typed, trailing space included', async () => {
    const { approvalId, executionId } = await request('directory_purge');
    const before = decisions().length;
    const io = bufferIo({ tty: true, answers: ['directory_purge '] });
    const typo = await cli.run(['approvals', 'approve', approvalId, ...asBob], { io });
    expect(io.asked).toEqual([{ question: CONFIRM_QUESTION, secret: false }]);
    expect(typo.err).toContain(`Approval ${approvalId} runs directory_purge {"path":"tmp"} in ws_1.`);
    // The server compares, so the near miss reaches it unchanged and is refused there.
    expect(decisions().at(-1)!.body).toEqual({ confirm: 'directory_purge ' });
    expect(typo.code).toBe(1);
    expect(typo.err).toContain('(code approval_confirm_mismatch, request req_fake)');

    const exact = await cli.run(['approvals', 'approve', approvalId, '--note', 'ticket 42', ...asBob], {
      tty: true,
      answers: ['directory_purge'],
    });
    expect(exact.code).toBe(0);
    expect(
      decisions()
        .slice(before)
        .map((d) => d.body),
    ).toEqual([{ confirm: 'directory_purge ' }, { note: 'ticket 42', confirm: 'directory_purge' }]);
    expect(exact.out).toMatch(/^STATUS: +approved$/m);
    expect(exact.err).toContain(
      `Approved ${approvalId}: execution ${executionId} (directory_purge) is queued to run.`,
    );
    expect(cli.api.execution(executionId).status).toBe('queued');
  });

  it('without a terminal and without --confirm exits 2 before sending a decision', async () => {
    const { approvalId } = await request('directory_purge');
    const before = decisions().length;
    const r = await cli.run(['approvals', 'approve', approvalId, ...asBob]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `error: approval ${approvalId} is for the irreversible tool directory_purge: pass --confirm with the tool name, typed exactly, or run this on a terminal to be asked for it\n`,
    );
    expect(decisions().length).toBe(before);
  });

  it('sends --confirm as given: a different case is refused by the server (exit 1), the exact name approves', async () => {
    const { approvalId } = await request('directory_purge');
    const upper = await cli.run([
      'approvals',
      'approve',
      approvalId,
      '--confirm',
      'DIRECTORY_PURGE',
      ...asBob,
    ]);
    expect(upper.code).toBe(1);
    expect(decisions().at(-1)!.body).toEqual({ confirm: 'DIRECTORY_PURGE' });
    expect(upper.err).toContain('code approval_confirm_mismatch');
    const exact = await cli.run([
      '-o',
      'json',
      'approvals',
      'approve',
      approvalId,
      '--confirm',
      'directory_purge',
      ...asBob,
    ]);
    expect(exact.code).toBe(0);
    expect(JSON.parse(exact.out)).toMatchObject({ id: approvalId, status: 'approved', decision: 'approved' });
    expect(exact.err).toBe('');

    const again = await cli.run([
      'approvals',
      'approve',
      approvalId,
      '--confirm',
      'directory_purge',
      ...asBob,
    ]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`approval ${approvalId} is already approved (code approval_already_decided`);
  });

  it('the requester gets the separation-of-duties refusal (exit 4), without being asked to type anything', async () => {
    const { approvalId } = await request('directory_purge');
    const io = bufferIo({ tty: true, answers: ['directory_purge'] });
    const r = await cli.run(['approvals', 'approve', approvalId], { io });
    expect(io.asked).toEqual([]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(
      /^error: separation of duties: the irreversible level forbids approving your own request; it can be decided by .+ \(code approver_not_authorized, request req_fake\)$/m,
    );
  });
});

describe('approvals approve and reject (destructive, two approvers)', () => {
  it('counts votes: the first stays pending, the same person twice is a conflict, the second approves', async () => {
    const { approvalId } = await request('file_delete');
    // Destructive needs no typed confirmation, so nothing is asked even on a terminal.
    const io = bufferIo({ tty: true });
    const first = await cli.run(['approvals', 'approve', approvalId, '--note', 'fine by me'], { io });
    expect(first.code).toBe(0);
    expect(io.asked).toEqual([]);
    expect(decisions().at(-1)!.body).toEqual({ note: 'fine by me' });
    expect(first.out).toMatch(/^VOTES: +1\/2$/m);
    expect(first.err).toContain(
      `Recorded your vote on ${approvalId}: 1/2 approvals at stage 1/1; it stays pending`,
    );
    const twice = await cli.run(['approvals', 'approve', approvalId]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('(code conflict,');
    const second = await cli.run(['approvals', 'approve', approvalId, ...asBob]);
    expect(second.code).toBe(0);
    expect(fields(second.out)).toMatchObject({ STATUS: 'approved', VOTES: '2/2' });
  });

  it('reject sends the reason and ends the execution as rejected', async () => {
    const { approvalId, executionId } = await request('file_delete');
    const r = await cli.run(['approvals', 'reject', approvalId, '--reason', 'wrong host', ...asBob]);
    expect(r.code).toBe(0);
    expect(decisions().at(-1)!.body).toEqual({ reason: 'wrong host' });
    expect(fields(r.out)).toMatchObject({
      STATUS: 'rejected',
      REASON: 'wrong host',
      DECIDED_BY: 'bob@x.test (usr_2) via cli',
    });
    expect(r.err).toContain(`Rejected ${approvalId}: execution ${executionId} (file_delete) will not run.`);
    expect(cli.api.execution(executionId).status).toBe('rejected');
    expect((await cli.run(['approvals', 'reject', 'apr_missing'])).err).toContain('(code not_found,');
  });
});

describe('approvals list and show', () => {
  it('list sends the filters and prints ID STATUS RISK TOOL WORKSPACE STAGE VOTES CREATED', async () => {
    const { approvalId } = await request('file_delete');
    expect((await cli.run(['approvals', 'approve', approvalId])).code).toBe(0);
    const r = await cli.run([
      'approvals',
      'list',
      '--status',
      'pending,approved',
      '--risk',
      'destructive',
      '--workspace',
      'default',
      '--tool',
      'file_delete',
      '--agent',
      'agt_1',
      '--limit',
      '1',
    ]);
    expect(r.code).toBe(0);
    const query = Object.fromEntries(cli.api.seen.at(-1)!.query);
    expect(query).toEqual({
      status: 'pending,approved',
      risk: 'destructive',
      workspace: 'default',
      tool: 'file_delete',
      agent: 'agt_1',
      limit: '1',
    });
    const [row, ...rest] = r.out.split('\n').filter(Boolean);
    expect(rest).toEqual([]);
    expect(row!.split('\t')).toEqual([
      approvalId,
      'pending',
      'destructive',
      'file_delete',
      'ws_1',
      '1/1',
      '1/2',
      expect.stringMatching(/^2026-01-01T00:00:\d\d\.000Z$/),
    ]);
    expect(r.err).toBe('More approvals: add --after 1\n');

    const tty = await cli.run(['approvals', 'list', '--risk', 'irreversible'], { tty: true });
    expect(tty.out.split('\n')[0]).toMatch(/^ID +STATUS +RISK +TOOL +WORKSPACE +STAGE +VOTES +CREATED$/);
    expect((await cli.run(['approvals', 'list', '--status', 'done'])).code).toBe(2);
    expect((await cli.run(['approvals', 'list', '--risk', 'fatal'])).code).toBe(2);
  });

  it('show prints the request, its votes with note and reason, and whether you can decide', async () => {
    const { approvalId, executionId } = await request('directory_purge');
    const forBob = await cli.run(['approvals', 'show', approvalId, ...asBob]);
    expect(forBob.code).toBe(0);
    expect(fields(forBob.out)).toMatchObject({
      ID: approvalId,
      STATUS: 'pending',
      TOOL: 'directory_purge',
      RISK: 'irreversible',
      ARGS: '{"path":"tmp"}',
      EXECUTION: executionId,
      REQUESTED_BY: 'usr_1 (key key_1, cli)',
      STAGE: '1/1',
      VOTES: '0/1',
      DEADLINE: '2026-01-01T01:00:00.000Z',
      DECIDE: 'you can decide',
    });
    expect(forBob.err).toBe(
      `Decide with "xeroctl approvals approve ${approvalId} --confirm directory_purge" or "xeroctl approvals reject ${approvalId} --reason …".\n`,
    );

    const forAnn = await cli.run(['approvals', 'show', approvalId]);
    expect(fields(forAnn.out).DECIDE).toMatch(
      /^you cannot: separation of duties: the irreversible level forbids approving your own request; it can be decided by /,
    );
    expect(forAnn.err).toBe('');

    expect((await cli.run(['approvals', 'reject', approvalId, '--reason', 'not\tnow', ...asBob])).code).toBe(
      0,
    );
    const decided = fields((await cli.run(['approvals', 'show', approvalId])).out);
    expect(decided).toMatchObject({
      STATUS: 'rejected',
      DEADLINE: '',
      DECIDE: 'you cannot: the approval is rejected',
    });
    expect(decided.DECISIONS).toMatch(
      /^reject by bob@x\.test \(usr_2\) via cli at stage 1, \S+: "not\\tnow"$/,
    );

    const tty = await cli.run(['approvals', 'show', approvalId], { tty: true });
    const votes = tty.out.split('\n\n')[1]!.split('\n');
    expect(votes[0]).toMatch(/^AT +STAGE +VOTE +BY +VIA +NOTE\/REASON$/);
    expect(votes[1]).toMatch(/ +1 +reject +bob@x\.test \(usr_2\) +cli +not now$/);

    const json = JSON.parse((await cli.run(['-o', 'json', 'approvals', 'show', approvalId])).out);
    expect(json.viewer).toEqual({ can_decide: false, reason: 'the approval is rejected' });
  });
});

describe('approvals watch', () => {
  const streamRequests = () => cli.api.seen.filter((r) => r.path.endsWith('/exec/approvals/stream'));

  it('follows the approvals stream with the filters, one line per event, until Ctrl-C (exit 0)', async () => {
    const io = bufferIo();
    const before = streamRequests().length;
    const watching = cli.run(
      [
        'approvals',
        'watch',
        '--workspace',
        'default',
        '--risk',
        'irreversible',
        '--status',
        'pending,approved',
        '--tool',
        'directory_purge',
      ],
      { io },
    );
    await vi.waitFor(() => {
      expect(streamRequests().length).toBe(before + 1);
      expect(cli.api.streams.open).toBe(1);
    });
    expect(Object.fromEntries(streamRequests().at(-1)!.query)).toEqual({
      workspace: 'ws_1',
      risk: 'irreversible',
      status: 'pending,approved',
      tool: 'directory_purge',
    });
    // The fake streams the request and the decision; the execution events go to the other stream only.
    const { approvalId } = await request('directory_purge');
    expect(
      (await cli.run(['approvals', 'approve', approvalId, '--confirm', 'directory_purge', ...asBob])).code,
    ).toBe(0);
    await vi.waitFor(() => expect(io.out().split('\n').filter(Boolean)).toHaveLength(2));
    io.interrupt();
    const r = await watching;
    expect(r.code).toBe(0);
    const rows = r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t').slice(1));
    expect(rows).toEqual([
      ['x_exec.approval.requested', approvalId, 'directory_purge', 'irreversible', 'pending', '1/1', '0/1'],
      ['x_exec.approval.decided', approvalId, 'directory_purge', 'irreversible', 'approved', '1/1', '1/1'],
    ]);
    expect(r.err).toBe('watch: connected, following approvals (Ctrl-C to stop)\n');
    await vi.waitFor(() => expect(cli.api.streams.open).toBe(0));
  });

  it('--json prints {"id", "event", "data"} per line', async () => {
    const io = bufferIo();
    const before = streamRequests().length;
    const watching = cli.run(['approvals', 'watch', '--json'], { io });
    await vi.waitFor(() => expect(streamRequests().length).toBe(before + 1));
    await vi.waitFor(() => expect(cli.api.streams.open).toBe(1));
    const { approvalId } = await request('file_delete');
    await vi.waitFor(() => expect(io.out()).toContain('\n'));
    io.interrupt();
    expect((await watching).code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({
      id: expect.stringMatching(/^\d+$/),
      event: 'x_exec.approval.requested',
      data: cli.api.approval(approvalId),
    });
  });

  it('exits 4 when the key is refused, and 2 for an unknown status', async () => {
    cli.api.streams.refuseWith = { status: 403, code: 'insufficient_scope' };
    try {
      const r = await cli.run(['approvals', 'watch']);
      expect(r.code).toBe(4);
      expect(r.err).toContain('(code insufficient_scope, request req_fake)');
    } finally {
      cli.api.streams.refuseWith = null;
    }
    expect((await cli.run(['approvals', 'watch', '--status', 'waiting'])).code).toBe(2);
  });
});
