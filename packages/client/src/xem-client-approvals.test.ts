import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Approval } from '@xem/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XemApiError, XemClient } from './index';

const approval: Approval = {
  id: 'apr_1',
  execution_id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'directory_purge',
  args: { path: 'tmp' },
  risk: 'irreversible',
  status: 'pending',
  decision: null,
  stage_index: 0,
  stage_count: 2,
  required_approvals: 1,
  approvals_so_far: 0,
  approvers: ['role:owner'],
  self_approval: 'forbidden',
  on_timeout: 'reject',
  policy_version: 0,
  action_hash: 'ab'.repeat(32),
  requested_by: { user_id: 'usr_1', key_id: 'key_1', source: 'cli' },
  stage_deadline_at: '2026-01-01T01:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  decided_at: null,
  decided_by: null,
  note: null,
  reason: null,
  votes: [],
};

let server: Server;
let baseUrl: string;
let seen: Array<{ method: string; url: string; body: string }> = [];
let reply = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body });
      res.writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen = [];
  reply = { status: 200, body: '{}' };
});

const client = () => new XemClient({ baseUrl, apiKey: 'xero_default_k', projectId: 'proj_1' });
const answer = (body: unknown, status = 200) => (reply = { status, body: JSON.stringify(body) });
const last = () => seen[seen.length - 1]!;
const sent = () => (last().body === '' ? undefined : (JSON.parse(last().body) as unknown));

describe('XemClient approvals', () => {
  it('lists with the filters joined by commas, absent ones left out, and the next cursor kept', async () => {
    answer({ data: [approval], next_cursor: 'c2' });
    const page = await client().listApprovals({
      status: ['pending', 'timed_out'],
      risk: ['destructive', 'irreversible'],
      workspace: 'prod eu',
      tool: 'directory_purge',
      limit: 20,
      cursor: 'c1',
    });
    expect(page).toEqual({ data: [approval], next_cursor: 'c2' });
    const url = new URL(last().url, 'http://x');
    expect(`${last().method} ${url.pathname}`).toBe('GET /proj_1/v1/exec/approvals');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'pending,timed_out',
      risk: 'destructive,irreversible',
      workspace: 'prod eu',
      tool: 'directory_purge',
      limit: '20',
      cursor: 'c1',
    });
    await client().listApprovals();
    expect(last().url).toBe('/proj_1/v1/exec/approvals');
  });

  it('shows one approval with the viewer, and refuses an answer without it', async () => {
    const viewer = { can_decide: false, reason: 'separation of duties: …' };
    answer({ ...approval, viewer });
    expect((await client().getApproval('apr/1')).viewer).toEqual(viewer);
    expect(`${last().method} ${last().url}`).toBe('GET /proj_1/v1/exec/approvals/apr%2F1');
    answer(approval);
    await expect(client().getApproval('apr_1')).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('approves with note and confirm sent byte for byte, and rejects with a reason', async () => {
    const c = client();
    answer({ ...approval, status: 'approved', decision: 'approved' });
    const decided = await c.approveApproval('apr_1', { note: 'ok', confirm: ' directory_purge\u200b ' });
    expect(decided.status).toBe('approved');
    expect(`${last().method} ${last().url}`).toBe('POST /proj_1/v1/exec/approvals/apr_1/approve');
    expect(last().body).toBe('{"note":"ok","confirm":" directory_purge\u200b "}');

    await c.approveApproval('apr_1');
    expect(sent()).toEqual({});

    answer({ ...approval, status: 'rejected', decision: 'rejected', reason: 'not today' });
    await c.rejectApproval('apr_1', { reason: 'not today' });
    expect(`${last().method} ${last().url}`).toBe('POST /proj_1/v1/exec/approvals/apr_1/reject');
    expect(sent()).toEqual({ reason: 'not today' });
  });

  it('turns refusals into XemApiError with code, param and status', async () => {
    answer(
      {
        error: {
          message: 'approving an irreversible tool needs "confirm" set to the tool name exactly',
          type: 'invalid_request_error',
          code: 'approval_confirm_mismatch',
          param: 'confirm',
        },
      },
      422,
    );
    const mismatch = await client()
      .approveApproval('apr_1', { confirm: 'DIRECTORY_PURGE' })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(XemApiError);
    expect(mismatch).toMatchObject({
      status: 422,
      code: 'approval_confirm_mismatch',
      param: 'confirm',
      isAuthError: false,
    });

    answer(
      {
        error: {
          message: 'separation of duties',
          type: 'permission_error',
          code: 'approver_not_authorized',
          param: null,
        },
      },
      403,
    );
    await expect(client().rejectApproval('apr_1')).rejects.toMatchObject({
      code: 'approver_not_authorized',
      isAuthError: true,
      requestId: 'req_1',
    });
  });
});
