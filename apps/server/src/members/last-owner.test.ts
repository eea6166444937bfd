import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
  seedProject,
  seedUser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const TRIALS = 20;

const url = (projectId: string, userId: string) => `/${projectId}/v1/management/project/members/${userId}`;

async function owners(projectId: string): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom('memberships')
    .select('user_id')
    .where('project_id', '=', projectId)
    .where('role', '=', 'owner')
    .execute();
  return rows.map((r) => r.user_id).sort();
}

/** A project owned by exactly two non-admin owners, each with a management key. */
async function ownerPair() {
  const p = await seedProject(t);
  const other = await seedUser(t);
  await seedMembership(t, p.id, other.id, 'owner');
  const a = { id: p.owner.id, key: (await seedApiKey(t, p.id, p.owner.id)).key };
  const b = { id: other.id, key: (await seedApiKey(t, p.id, other.id)).key };
  return { projectId: p.id, a, b };
}

describe('a project always keeps an owner', () => {
  it('refuses to demote or remove the only owner (409 last_owner), even when an admin asks', async () => {
    const p = await seedProject(t);
    const member = await seedUser(t);
    await seedMembership(t, p.id, member.id, 'member');
    const { key } = await seedApiKey(t, p.id, p.owner.id);
    const demote = await t.app.inject({
      method: 'PATCH',
      url: url(p.id, p.owner.id),
      headers: bearer(key),
      payload: { role: 'member' },
    });
    expectError(demote, 409, 'last_owner');
    expectError(
      await t.app.inject({ method: 'DELETE', url: url(p.id, p.owner.id), headers: bearer(key) }),
      409,
      'last_owner',
    );
    expect(await owners(p.id)).toEqual([p.owner.id]);

    // The bootstrap admin is the only owner of the default project.
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    expectError(
      await opsRequest(t.app, admin, 'PATCH', `/ops/api/members/${admin.userId}`, { role: 'member' }),
      409,
      'last_owner',
    );
    expectError(
      await opsRequest(t.app, admin, 'DELETE', `/ops/api/members/${admin.userId}`),
      409,
      'last_owner',
    );
    expect(await owners(t.projectId)).toEqual([admin.userId]);
    // No success row was written for the refused changes.
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('project_id', 'in', [p.id, t.projectId])
      .where('action', 'in', ['member.set_role', 'member.remove'])
      .execute();
    expect(rows).toEqual([]);
  });

  it('lets one of two owners step down, and then refuses the other', async () => {
    const { projectId, a, b } = await ownerPair();
    const first = await t.app.inject({
      method: 'PATCH',
      url: url(projectId, a.id),
      headers: bearer(a.key),
      payload: { role: 'member' },
    });
    expect(first.statusCode, first.body).toBe(200);
    const second = await t.app.inject({
      method: 'PATCH',
      url: url(projectId, b.id),
      headers: bearer(b.key),
      payload: { role: 'member' },
    });
    expectError(second, 409, 'last_owner');
    expect(await owners(projectId)).toEqual([b.id]);
  });

  it(`two owners demoting each other at the same moment: exactly one wins (${TRIALS} trials)`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const { projectId, a, b } = await ownerPair();
      const [ra, rb] = await Promise.all([
        t.app.inject({
          method: 'PATCH',
          url: url(projectId, b.id),
          headers: bearer(a.key),
          payload: { role: 'member' },
        }),
        t.app.inject({
          method: 'PATCH',
          url: url(projectId, a.id),
          headers: bearer(b.key),
          payload: { role: 'member' },
        }),
      ]);
      const results = [ra, rb].map((r) => r.statusCode);
      expect(
        results.filter((s) => s === 200),
        `trial ${i}: ${ra.body} / ${rb.body}`,
      ).toHaveLength(1);
      const loser = ra.statusCode === 200 ? rb : ra;
      // The loser is either no longer an owner when its turn comes, or would remove the last one.
      expect(['owner_required', 'last_owner'], loser.body).toContain(loser.json().error.code);
      const left = await owners(projectId);
      expect(left).toHaveLength(1);
      expect(left[0]).toBe(ra.statusCode === 200 ? a.id : b.id);
    }
  });

  it(`two owners removing each other at the same moment: exactly one wins (${TRIALS} trials)`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const { projectId, a, b } = await ownerPair();
      const [ra, rb] = await Promise.all([
        t.app.inject({ method: 'DELETE', url: url(projectId, b.id), headers: bearer(a.key) }),
        t.app.inject({ method: 'DELETE', url: url(projectId, a.id), headers: bearer(b.key) }),
      ]);
      expect(
        [ra, rb].filter((r) => r.statusCode === 200),
        `trial ${i}: ${ra.body} / ${rb.body}`,
      ).toHaveLength(1);
      const loser = ra.statusCode === 200 ? rb : ra;
      // The loser's key may already be dead (its creator was removed) when it is checked.
      expect(['owner_required', 'last_owner', 'invalid_api_key'], loser.body).toContain(
        loser.json().error.code,
      );
      const left = await owners(projectId);
      expect(left).toEqual([ra.statusCode === 200 ? a.id : b.id]);
      const memberships = await t.deps.db
        .selectFrom('memberships')
        .select('user_id')
        .where('project_id', '=', projectId)
        .execute();
      expect(memberships).toHaveLength(1);
    }
  });

  it('a demote and a removal racing each other still leave one owner', async () => {
    for (let i = 0; i < TRIALS; i++) {
      const { projectId, a, b } = await ownerPair();
      const [ra, rb] = await Promise.all([
        t.app.inject({
          method: 'PATCH',
          url: url(projectId, b.id),
          headers: bearer(a.key),
          payload: { role: 'member' },
        }),
        t.app.inject({ method: 'DELETE', url: url(projectId, a.id), headers: bearer(b.key) }),
      ]);
      expect(
        [ra, rb].filter((r) => r.statusCode === 200),
        `trial ${i}`,
      ).toHaveLength(1);
      expect(await owners(projectId)).toHaveLength(1);
    }
  });
});
