import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DelegationTier } from '@xem/protocol';
import { newId } from '../ids';
import {
  createTestApp,
  seedMembership,
  seedProject,
  seedUser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';
import { delegatedTiers, delegatesFor } from './delegated-tiers';

let t: TestApp;
let projectId: string;
let grantor: string;

beforeAll(async () => {
  t = await createTestApp();
  const p = await seedProject(t);
  projectId = p.id;
  grantor = p.owner.id;
});
afterAll(() => t.close());

async function member(role: 'member' | 'owner' = 'member', pid = projectId): Promise<SeededUser> {
  const u = await seedUser(t);
  await seedMembership(t, pid, u.id, role);
  return u;
}

/** A delegation row written directly; `expiresIn` is a PostgreSQL interval from the database clock. */
async function delegate(
  userId: string,
  tier: DelegationTier,
  opts: { expiresIn?: string; revoked?: boolean; pid?: string } = {},
): Promise<string> {
  const id = newId('dlg');
  await t.deps.db
    .insertInto('delegations')
    .values({
      id,
      project_id: opts.pid ?? projectId,
      user_id: userId,
      tier,
      granted_by: grantor,
      expires_at: opts.expiresIn === undefined ? null : sql<Date>`now() + ${opts.expiresIn}::interval`,
      revoked_at: opts.revoked ? sql<Date>`now()` : null,
      revoked_by: opts.revoked ? grantor : null,
    })
    .execute();
  return id;
}

const tiers = (userId: string) => delegatedTiers(t.deps.db, projectId, userId);

describe('delegatedTiers', () => {
  it('is empty for a member without delegations, and for an owner even with a row (owners are not delegates)', async () => {
    expect(await tiers((await member()).id)).toEqual(new Set());
    const o = await member('owner');
    await delegate(o.id, 'irreversible');
    expect(await tiers(o.id)).toEqual(new Set());
  });

  it('destructive covers destructive only; irreversible covers both', async () => {
    const d = await member();
    await delegate(d.id, 'destructive');
    expect(await tiers(d.id)).toEqual(new Set(['destructive']));
    const i = await member();
    await delegate(i.id, 'irreversible');
    expect(await tiers(i.id)).toEqual(new Set(['destructive', 'irreversible']));
  });

  it('leaves out revoked and expired delegations, judged by the database clock', async () => {
    const u = await member();
    await delegate(u.id, 'irreversible', { revoked: true });
    await delegate(u.id, 'irreversible', { expiresIn: '-1 second' });
    expect(await tiers(u.id)).toEqual(new Set());
    const live = await delegate(u.id, 'destructive', { expiresIn: '1 hour' });
    expect(await tiers(u.id)).toEqual(new Set(['destructive']));
    await t.deps.db
      .updateTable('delegations')
      .set({ expires_at: sql<Date>`now()` })
      .where('id', '=', live)
      .execute();
    expect(await tiers(u.id)).toEqual(new Set());
  });

  it('stops counting when the grantee is no longer a member, or no longer has the role member', async () => {
    const removed = await member();
    await delegate(removed.id, 'irreversible');
    await t.deps.db
      .deleteFrom('memberships')
      .where('project_id', '=', projectId)
      .where('user_id', '=', removed.id)
      .execute();
    expect(await tiers(removed.id)).toEqual(new Set());

    const promoted = await member();
    await delegate(promoted.id, 'destructive');
    await t.deps.db
      .updateTable('memberships')
      .set({ role: 'owner' })
      .where('project_id', '=', projectId)
      .where('user_id', '=', promoted.id)
      .execute();
    expect(await tiers(promoted.id)).toEqual(new Set());
  });

  it("counts only the asked project's delegations", async () => {
    const other = await seedProject(t);
    const u = await member();
    await seedMembership(t, other.id, u.id, 'member');
    await delegate(u.id, 'irreversible', { pid: other.id });
    expect(await tiers(u.id)).toEqual(new Set());
    expect(await delegatedTiers(t.deps.db, other.id, u.id)).toEqual(new Set(['destructive', 'irreversible']));
  });
});

describe('delegatesFor', () => {
  it('lists live holders of a tier, irreversible holders also for destructive, each once', async () => {
    const p = await seedProject(t);
    const add = async () => {
      const u = await seedUser(t);
      await seedMembership(t, p.id, u.id, 'member');
      return u.id;
    };
    const [d, i, both, expired, revoked, gone] = [
      await add(),
      await add(),
      await add(),
      await add(),
      await add(),
      await add(),
    ];
    await delegate(d, 'destructive', { pid: p.id });
    await delegate(i, 'irreversible', { pid: p.id, expiresIn: '1 day' });
    await delegate(both, 'destructive', { pid: p.id });
    await delegate(both, 'irreversible', { pid: p.id });
    await delegate(expired, 'irreversible', { pid: p.id, expiresIn: '-1 minute' });
    await delegate(revoked, 'destructive', { pid: p.id, revoked: true });
    await delegate(gone, 'irreversible', { pid: p.id });
    await t.deps.db
      .deleteFrom('memberships')
      .where('project_id', '=', p.id)
      .where('user_id', '=', gone)
      .execute();

    expect(await delegatesFor(t.deps.db, p.id, 'destructive')).toEqual([d, i, both].sort());
    expect(await delegatesFor(t.deps.db, p.id, 'irreversible')).toEqual([i, both].sort());
    expect(await delegatesFor(t.deps.db, projectId, 'irreversible')).not.toContain(i);
  });
});
