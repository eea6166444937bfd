import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEnvelope } from '@xem/protocol';
import { verifySignature } from '../../../../test-support/webhook-receiver';
import { decide, invoke, person, riskyAgent } from '../../test/approval-fixtures';
import { webhookHarness, type WebhookHarness } from '../../test/webhook-fixtures';

let wh: WebhookHarness;
beforeAll(async () => {
  wh = await webhookHarness();
  await riskyAgent(wh.t);
});
afterAll(() => wh.close());

const envelopes = (path: string) =>
  wh.receiver.received(path).map((r) => WebhookEnvelope.parse(JSON.parse(r.body)));

describe('approvals as webhooks', () => {
  it('a destructive execution sends exec.approval_requested, then exec.approved or exec.rejected', async () => {
    const hook = await wh.endpoint('/approvals', [
      'exec.approval_requested',
      'exec.approved',
      'exec.rejected',
    ]);
    const requester = await person(wh.t, 'member');

    const approved = await invoke(wh.t, requester.key, 'drain_node', { node: 'n1' });
    expect(approved.status).toBe('pending_approval');
    const ok = await decide(wh.t, wh.key, approved.approval_id!, 'approve', { note: 'go' });
    expect(ok.statusCode, ok.body).toBe(200);
    const rejected = await invoke(wh.t, requester.key, 'drain_node', { node: 'n2' });
    const no = await decide(wh.t, wh.key, rejected.approval_id!, 'reject', { reason: 'not now' });
    expect(no.statusCode, no.body).toBe(200);

    await wh.receiver.waitFor('/approvals', 4);
    await wh.settle();
    const got = envelopes('/approvals');
    expect(got.map((e) => [e.type, e.data.invocation_id]).sort()).toEqual(
      [
        ['exec.approval_requested', approved.id],
        ['exec.approved', approved.id],
        ['exec.approval_requested', rejected.id],
        ['exec.rejected', rejected.id],
      ].sort(),
    );
    expect(got.find((e) => e.type === 'exec.approved')!.data).toMatchObject({
      approval_id: approved.approval_id,
      execution_id: approved.id,
      tool_name: 'drain_node',
      risk: 'destructive',
      decision: 'approved',
      note: 'go',
    });
    expect(got.find((e) => e.type === 'exec.rejected')!.data).toMatchObject({
      approval_id: rejected.approval_id,
      decision: 'rejected',
      reason: 'not now',
    });
    expect(wh.receiver.received('/approvals').every((r) => verifySignature(hook.secret, r))).toBe(true);
    await wh.remove(hook);
  });
});
