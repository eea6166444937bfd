import { describe, expect, it } from 'vitest';
import { WebhookEnvelope } from '@xem/protocol';
import { envelopeIdOf, randomEnvelopeId, webhookBody, webhookEventOf } from './webhook-envelope';

const execution = {
  id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'restart_service',
  args: { name: 'nginx' },
  approval_id: null,
  risk: 'write',
  idempotent: true,
  source: 'api',
  status: 'completed',
  attempt: 1,
  max_attempts: 3,
  agent_id: 'agt_1',
  exit_code: 0,
  error: null,
  timeout_ms: 60000,
  created_by: { user_id: 'usr_1', key_id: 'key_1' },
  created_at: '2026-01-01T00:00:00.000Z',
  dispatched_at: '2026-01-01T00:00:01.000Z',
  finished_at: '2026-01-01T00:00:03.000Z',
  duration_ms: 2000,
};
const agent = { id: 'agt_1', registration_name: 'web-1', hostname: 'web-1.local', status: 'offline' };
const approval = { id: 'apr_1', execution_id: 'exe_1', tool: 'delete_server', risk: 'irreversible' };

describe('internal events → exec.* webhook events', () => {
  it('maps each documented source to its exec.* type', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['execution.started', execution, 'exec.dispatched'],
      ['execution.completed', execution, 'exec.completed'],
      ['execution.failed', execution, 'exec.failed'],
      ['execution.timed_out', execution, 'exec.timeout'],
      ['execution.ambiguous', execution, 'exec.ambiguous'],
      ['approval.requested', approval, 'exec.approval_requested'],
      ['approval.decided', { ...approval, decision: 'approved' }, 'exec.approved'],
      ['approval.decided', { ...approval, decision: 'rejected' }, 'exec.rejected'],
      ['approval.escalated', approval, 'exec.approval_escalated'],
      ['approval.timed_out', approval, 'exec.approval_timed_out'],
      ['agent.enrolled', agent, 'exec.agent_enrolled'],
      ['agent.offline', agent, 'exec.agent_offline'],
      ['discovery.found', { agent_id: 'agt_1', component: { kind: 'cluster' } }, 'exec.discovery_pending'],
      ['workspace.created', { id: 'ws_2', name: 'prod', type: 'linux' }, 'exec.workspace_created'],
    ];
    for (const [type, payload, expected] of cases) {
      expect(webhookEventOf(type, payload)?.type, type).toBe(expected);
    }
    const component = { kind: 'tcp_listener', name: 'sshd', address: '0.0.0.0:22', attributes: {} };
    expect(webhookEventOf('discovery.found', { id: 'disc_1', agent_id: 'agt_1', component })?.data).toEqual({
      candidate_id: 'disc_1',
      agent_id: 'agt_1',
      component,
    });
  });

  it('sends nothing for the other internal events', () => {
    for (const type of [
      'execution.created',
      'execution.queued',
      'execution.cancelled',
      'execution.rejected',
      'agent.online',
      'agent.paused',
      'manifest.updated',
      'workspace.updated',
      'project.created',
      'toString',
      '__proto__',
    ]) {
      expect(webhookEventOf(type, {}), type).toBeNull();
    }
    expect(webhookEventOf('approval.decided', { ...approval, decision: 'maybe' })).toBeNull();
  });

  it('gives executions the snake_case data the docs list', () => {
    expect(webhookEventOf('execution.completed', execution)!.data).toEqual({
      invocation_id: 'exe_1',
      execution_id: 'exe_1',
      tool_name: 'restart_service',
      workspace_id: 'ws_1',
      agent_id: 'agt_1',
      status: 'completed',
      risk: 'write',
      source: 'api',
      args: { name: 'nginx' },
      approval_id: null,
      attempt: 1,
      max_attempts: 3,
      exit_code: 0,
      error: null,
      timeout_ms: 60000,
      created_by: { user_id: 'usr_1', key_id: 'key_1' },
      created_at: '2026-01-01T00:00:00.000Z',
      dispatched_at: '2026-01-01T00:00:01.000Z',
      finished_at: '2026-01-01T00:00:03.000Z',
      duration_ms: 2000,
    });
  });

  it('gives approvals their fields plus approval_id, invocation_id and tool_name', () => {
    expect(webhookEventOf('approval.decided', { ...approval, decision: 'approved' })!.data).toEqual({
      approval_id: 'apr_1',
      invocation_id: 'exe_1',
      execution_id: 'exe_1',
      tool_name: 'delete_server',
      risk: 'irreversible',
      decision: 'approved',
    });
  });

  it('gives agents agent_id and their status', () => {
    expect(webhookEventOf('agent.offline', agent)!.data).toMatchObject({
      agent_id: 'agt_1',
      registration_name: 'web-1',
      hostname: 'web-1.local',
      status: 'offline',
    });
  });
});

describe('envelope', () => {
  it('derives the same evt_ id from the same event, and different ones otherwise', () => {
    const a = envelopeIdOf('salt-1', '42');
    expect(a).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(envelopeIdOf('salt-1', '42')).toBe(a);
    expect(envelopeIdOf('salt-1', '43')).not.toBe(a);
    expect(envelopeIdOf('salt-2', '42')).not.toBe(a);
    expect(randomEnvelopeId()).toMatch(/^evt_[0-9a-f]{24}$/);
  });

  it('serialises {id, object, type, created_at (unix seconds), data}', () => {
    const body = webhookBody('evt_0123456789abcdef01234567', 'exec.completed', new Date(1_767_225_600_999), {
      invocation_id: 'exe_1',
    });
    expect(WebhookEnvelope.parse(JSON.parse(body))).toEqual({
      id: 'evt_0123456789abcdef01234567',
      object: 'event',
      type: 'exec.completed',
      created_at: 1_767_225_600,
      data: { invocation_id: 'exe_1' },
    });
  });
});
