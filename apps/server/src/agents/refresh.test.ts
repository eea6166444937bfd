import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentCredential, Challenge, refreshMessage } from '@xem/protocol';
import { enroll, mintJoinKey, newAgentKeys, signedRefresh, type AgentKeys } from '../../test/fleet-helpers';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedProject,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { authenticateAgentCredential } from './agent-credentials';

let t: TestApp;
let admin: Browser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(() => t.close());

const refresh = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/enroll/refresh', payload });
const challengeFor = async (agentId: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/enroll/challenge',
    payload: { agent_id: agentId },
  });
  expect(res.statusCode, res.body).toBe(200);
  return Challenge.parse(res.json());
};

async function newAgent(name: string): Promise<{ cred: AgentCredential; keys: AgentKeys }> {
  const keys = newAgentKeys();
  const jk = await mintJoinKey(t, admin);
  return { cred: await enroll(t, jk.key, name, keys), keys };
}

describe('credential refresh by a signed challenge', () => {
  it('a valid signature over a fresh challenge gives a new working credential (audited)', async () => {
    const { cred, keys } = await newAgent('refresher');
    const c = await challengeFor(cred.agent_id);
    expect(c.challenge).toMatch(/^[0-9A-Za-z]{43}$/);
    const ttlMs = Date.parse(c.expires_at) - Date.now();
    expect(ttlMs).toBeGreaterThan(50_000);
    expect(ttlMs).toBeLessThanOrEqual(61_000);
    const res = await refresh({
      agent_id: cred.agent_id,
      challenge: c.challenge,
      signature: keys.sign(refreshMessage(cred.agent_id, c.challenge)),
    });
    expect(res.statusCode, res.body).toBe(200);
    const next = AgentCredential.parse(res.json());
    expect(next.credential).not.toBe(cred.credential);
    expect(await authenticateAgentCredential(t.deps.db, next.credential)).toMatchObject({
      agentId: cred.agent_id,
    });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(audit).toEqual([
      { action: 'agent.refresh_credential', actor_type: 'agent', actor_id: cred.agent_id },
    ]);
  });

  it('refuses a replayed challenge', async () => {
    const { cred, keys } = await newAgent('replayer');
    const body = await signedRefresh(t, cred.agent_id, keys);
    expect((await refresh(body)).statusCode).toBe(200);
    expectError(await refresh(body), 401, 'invalid_agent_credential');
  });

  it('refuses a signature by another key, and the challenge is spent by the attempt', async () => {
    const { cred, keys } = await newAgent('victim');
    const c = await challengeFor(cred.agent_id);
    const message = refreshMessage(cred.agent_id, c.challenge);
    const forged = await refresh({
      agent_id: cred.agent_id,
      challenge: c.challenge,
      signature: newAgentKeys().sign(message),
    });
    expect(expectError(forged, 401, 'invalid_agent_credential').error.message).toContain('signature');
    const late = await refresh({
      agent_id: cred.agent_id,
      challenge: c.challenge,
      signature: keys.sign(message),
    });
    expectError(late, 401, 'invalid_agent_credential');
  });

  it('refuses a signature over another message, garbage signatures and a challenge of another agent', async () => {
    const { cred, keys } = await newAgent('picky');
    const other = await newAgent('other');
    let c = await challengeFor(cred.agent_id);
    const wrongMessage = keys.sign(refreshMessage(other.cred.agent_id, c.challenge));
    expectError(
      await refresh({ agent_id: cred.agent_id, challenge: c.challenge, signature: wrongMessage }),
      401,
      'invalid_agent_credential',
    );
    for (const signature of ['x', '!!!!', 'A'.repeat(86)]) {
      c = await challengeFor(cred.agent_id);
      expectError(
        await refresh({ agent_id: cred.agent_id, challenge: c.challenge, signature }),
        401,
        'invalid_agent_credential',
      );
    }
    // The other agent's challenge, signed correctly by this agent, is not this agent's challenge.
    const theirs = await challengeFor(other.cred.agent_id);
    const res = await refresh({
      agent_id: cred.agent_id,
      challenge: theirs.challenge,
      signature: keys.sign(refreshMessage(cred.agent_id, theirs.challenge)),
    });
    expectError(res, 401, 'invalid_agent_credential');
  });

  it('refuses an expired challenge (database clock)', async () => {
    const { cred, keys } = await newAgent('sleepy');
    const body = await signedRefresh(t, cred.agent_id, keys);
    await t.database.pool.query(
      `UPDATE agent_challenges SET expires_at = now() - interval '1 second' WHERE challenge = $1`,
      [body.challenge],
    );
    expect(expectError(await refresh(body), 401, 'invalid_agent_credential').error.message).toContain(
      'expired',
    );
  });

  it('refuses challenges for unknown agents', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/enroll/challenge',
      payload: { agent_id: 'agt_nope' },
    });
    expectError(res, 401, 'invalid_agent_credential');
  });
});

describe('revoke-credentials and enrolling again', () => {
  it('revoked: the credential stops working, no refresh; a new join key of the project re-enrolls the same agent id with a new key', async () => {
    const { cred, keys } = await newAgent('phoenix');
    const pending = await signedRefresh(t, cred.agent_id, keys);
    const revoked = await opsRequest(
      t.app,
      admin,
      'POST',
      `/ops/api/agents/${cred.agent_id}/revoke-credentials`,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    expect(await authenticateAgentCredential(t.deps.db, cred.credential)).toBeNull();
    // A challenge handed out before the revocation is gone with it, and no new one is given.
    expectError(await refresh(pending), 401, 'invalid_agent_credential');
    const asked = await t.app.inject({
      method: 'POST',
      url: '/v1/enroll/challenge',
      payload: { agent_id: cred.agent_id },
    });
    expectError(asked, 401, 'invalid_agent_credential');

    const newKeys = newAgentKeys();
    const jk = await mintJoinKey(t, admin);
    const again = await enroll(t, jk.key, 'phoenix', newKeys);
    expect(again.agent_id).toBe(cred.agent_id);
    expect(await authenticateAgentCredential(t.deps.db, again.credential)).toEqual({
      agentId: cred.agent_id,
      projectId: t.projectId,
      status: 'offline',
      paused: false,
    });
    expect(await authenticateAgentCredential(t.deps.db, cred.credential)).toBeNull();
    const row = await t.deps.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', cred.agent_id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      public_key: newKeys.publicKey,
      status: 'offline',
      revoked_at: null,
      join_key_id: jk.join_key.id,
    });
    // Only the new key can refresh now.
    const oldSigned = await signedRefresh(t, cred.agent_id, keys);
    expectError(await refresh(oldSigned), 401, 'invalid_agent_credential');
    expect((await refresh(await signedRefresh(t, cred.agent_id, newKeys))).statusCode).toBe(200);
  });

  it("another project's join key enrolls a distinct agent there, even under the same name", async () => {
    const { cred } = await newAgent('twin-name');
    const other = await seedProject(t);
    const ownerSession = await login(t.app, other.owner.email, other.owner.password);
    const jk = await mintJoinKey(t, ownerSession);
    const theirs = await enroll(t, jk.key, 'twin-name');
    expect(theirs.agent_id).not.toBe(cred.agent_id);
    expect(theirs.project_id).toBe(other.id);
  });
});
