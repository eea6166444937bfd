import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalPolicy, listOf, type LevelPolicy, type Risk, type Workspace } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  login,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  key = await createKeyAs(t.app, admin, ['management']);
});
afterAll(() => t.close());

async function newWorkspace(name: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/management/workspaces`,
    headers: bearer(key),
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Workspace>().id;
}

const url = (ws: string) => `/${t.projectId}/v1/management/workspaces/${ws}/approval-policy`;

const level = (timeoutSeconds: number): LevelPolicy => ({
  requires_approval: true,
  timeout_seconds: timeoutSeconds,
  on_timeout: 'reject',
  self_approval: 'forbidden',
  escalation: [{ approvers: ['role:owner'], required_approvals: 1 }],
});

function put(ws: string, levels: Partial<Record<Risk, LevelPolicy>>) {
  return t.app.inject({ method: 'PUT', url: url(ws), headers: bearer(key), payload: { levels } });
}

describe(`concurrent PUTs (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('ten at once get ten distinct, consecutive versions, each stored as its request sent it', async () => {
    const ws = await newWorkspace('race-versions');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => put(ws, { destructive: level(100 + i) })),
    );
    const made = answers.map((res) => {
      expect(res.statusCode, res.body).toBe(200);
      return ApprovalPolicy.parse(res.json());
    });
    expect(made.map((p) => p.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const stored = await t.app.inject({ method: 'GET', url: `${url(ws)}/versions`, headers: bearer(key) });
    const history = listOf(ApprovalPolicy).parse(stored.json());
    expect(history.data.map((p) => p.version)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    for (const p of made) {
      expect(history.data.find((h) => h.version === p.version)).toEqual(p);
    }
    const audits = await t.deps.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'approval_policy.update')
      .where('target_id', '=', ws)
      .execute();
    expect(audits.map((a) => (a.after as { version: number }).version).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('partial PUTs of different levels at once all survive: none builds on a stale version', async () => {
    const ws = await newWorkspace('race-merge');
    const risks: Risk[] = ['read', 'write', 'destructive', 'irreversible'];
    const answers = await Promise.all(risks.map((risk, i) => put(ws, { [risk]: level(200 + i) })));
    for (const res of answers) expect(res.statusCode, res.body).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: url(ws), headers: bearer(key) });
    const final = ApprovalPolicy.parse(res.json());
    expect(final.version).toBe(4);
    risks.forEach((risk, i) => expect(final.levels[risk].timeout_seconds, risk).toBe(200 + i));
  });
});
