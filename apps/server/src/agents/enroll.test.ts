import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, AgentCredential } from '@xem/protocol';
import { enrollRequest, mintJoinKey, newAgentKeys } from '../../test/fleet-helpers';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  expectError,
  login,
  opsRequest,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { authenticateAgentCredential } from './agent-credentials';

let t: TestApp;
let admin: Browser;
let defaultWorkspaceId: string;

beforeAll(async () => {
  t = await createTestApp({ XEM_AGENT_CREDENTIAL_TTL_SECONDS: '600', XEM_LEASE_RENEWAL_INTERVAL_MS: '5000' });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const ws = await t.deps.db
    .selectFrom('workspaces')
    .select('id')
    .where('project_id', '=', t.projectId)
    .where('is_default', '=', true)
    .executeTakeFirstOrThrow();
  defaultWorkspaceId = ws.id;
});
afterAll(() => t.close());

const usesOf = async (id: string) =>
  (await t.deps.db.selectFrom('join_keys').select('uses').where('id', '=', id).executeTakeFirstOrThrow())
    .uses;

describe('POST /v1/enroll', () => {
  it('turns a join key and a real Ed25519 public key into an agent and a working credential', async () => {
    const jk = await mintJoinKey(t, admin, { region: 'eu-1' });
    const keys = newAgentKeys();
    const res = await enrollRequest(t, jk.key, 'web-01', keys);
    expect(res.statusCode, res.body).toBe(201);
    const cred = AgentCredential.parse(res.json());
    expect(cred.credential).toMatch(/^xac_[0-9A-Za-z]{43}$/);
    expect(cred).toMatchObject({ project_id: t.projectId, lease_renewal_interval_ms: 5000 });
    const ttlMs = Date.parse(cred.expires_at) - Date.now();
    expect(ttlMs).toBeGreaterThan(590_000);
    expect(ttlMs).toBeLessThan(610_000);

    expect(await authenticateAgentCredential(t.deps.db, cred.credential)).toEqual({
      agentId: cred.agent_id,
      projectId: t.projectId,
      status: 'offline',
      paused: false,
    });
    expect(await authenticateAgentCredential(t.deps.db, `${cred.credential.slice(0, -1)}x`)).toBeNull();
    expect(await authenticateAgentCredential(t.deps.db, 'garbage')).toBeNull();

    const row = await t.deps.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', cred.agent_id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      public_key: keys.publicKey,
      region: 'eu-1',
      join_key_id: jk.join_key.id,
      status: 'offline',
    });
    const stored = await t.deps.db
      .selectFrom('agent_credentials')
      .selectAll()
      .where('agent_id', '=', cred.agent_id)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(cred.credential.slice(4));
    expect(await usesOf(jk.join_key.id)).toBe(1);

    const agent = Agent.parse(
      (await opsRequest(t.app, admin, 'GET', `/ops/api/agents/${cred.agent_id}`)).json(),
    );
    expect(agent).toMatchObject({
      registration_name: 'web-01',
      hostname: 'web-01.example.test',
      status: 'offline',
      workspace_ids: [defaultWorkspaceId],
      tool_count: 0,
      in_flight: 0,
      max_concurrency: 20,
    });

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id', 'via', 'target_id'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(audit).toEqual([
      {
        action: 'agent.enroll',
        actor_type: 'agent',
        actor_id: cred.agent_id,
        via: 'agent',
        target_id: cred.agent_id,
      },
    ]);
    const event = await t.deps.db
      .selectFrom('events')
      .select(['payload', 'project_id'])
      .where('type', '=', 'agent.enrolled')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.project_id).toBe(t.projectId);
    expect(Agent.parse(event.payload)).toEqual(agent);
  });

  it("binds the agent to the join key's workspace", async () => {
    const ws = (await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'lab' })).json();
    const jk = await mintJoinKey(t, admin, { workspace_id: ws.id });
    const res = await enrollRequest(t, jk.key, 'lab-01');
    const agent = (await opsRequest(t.app, admin, 'GET', `/ops/api/agents/${res.json().agent_id}`)).json();
    expect(agent.workspace_ids).toEqual([ws.id]);
  });

  it('refuses unknown, malformed, used-up, expired and revoked join keys with one answer, and audits it', async () => {
    const used = await mintJoinKey(t, admin);
    expect((await enrollRequest(t, used.key, 'used-01')).statusCode).toBe(201);
    const expired = await mintJoinKey(t, admin);
    await t.database.pool.query(
      `UPDATE join_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [expired.join_key.id],
    );
    const revoked = await mintJoinKey(t, admin);
    await opsRequest(t.app, admin, 'POST', `/ops/api/join-keys/${revoked.join_key.id}/revoke`);

    const answers = [];
    for (const key of [`xjk_${'A'.repeat(43)}`, 'not-a-key', used.key, expired.key, revoked.key]) {
      const res = await enrollRequest(t, key, 'hopeful');
      answers.push(expectError(res, 401, 'invalid_join_key'));
      const audit = await t.deps.db
        .selectFrom('audit_log')
        .select(['project_id', 'action', 'outcome', 'via'])
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(audit).toEqual([
        { project_id: 'system', action: 'agent.enroll_refused', outcome: 'denied', via: 'agent' },
      ]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await usesOf(used.join_key.id)).toBe(1);
    expect(await usesOf(expired.join_key.id)).toBe(0);
    expect(await usesOf(revoked.join_key.id)).toBe(0);
    const hopeful = await t.deps.db
      .selectFrom('agents')
      .select('id')
      .where('registration_name', '=', 'hopeful')
      .execute();
    expect(hopeful).toEqual([]);
  });

  it('refuses a bad registration name or public key with 400 naming the field, consuming no use', async () => {
    const jk = await mintJoinKey(t, admin);
    for (const name of ['Web_01', 'web--01', '-web', 'web-', 'a'.repeat(49), '', 'wéb']) {
      const res = await enrollRequest(t, jk.key, name);
      expect(expectError(res, 400, 'invalid_body').error.param, name).toBe('registration_name');
    }
    const shortKey = await enrollRequest(t, jk.key, 'ok-name', { ...newAgentKeys(), publicKey: 'abc' });
    expect(expectError(shortKey, 400, 'invalid_body').error.param).toBe('public_key');
    expect(await usesOf(jk.join_key.id)).toBe(0);
  });

  it('refuses a registration name already enrolled (and not revoked) with 409, consuming no use', async () => {
    const first = await mintJoinKey(t, admin);
    expect((await enrollRequest(t, first.key, 'twin')).statusCode).toBe(201);
    const second = await mintJoinKey(t, admin);
    const res = await enrollRequest(t, second.key, 'twin');
    expect(expectError(res, 409, 'conflict').error.param).toBe('registration_name');
    expect(await usesOf(second.join_key.id)).toBe(0);
  });
});
