import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { z } from 'zod';
import { AgentCredential, CreatedJoinKey, refreshMessage } from '@xem/protocol';
import { opsRequest, type Browser, type TestApp } from './test-app';

/** A real Ed25519 key pair, the public half as the raw 32 bytes in base64url (what agents send). */
export interface AgentKeys {
  publicKey: string;
  privateKey: KeyObject;
  sign(message: string): string;
}

export function newAgentKeys(): AgentKeys {
  const pair = generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    publicKey: jwk.x!,
    privateKey: pair.privateKey,
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), pair.privateKey).toString('base64url'),
  };
}

/** Mints a join key through the dashboard of `b`'s active project. */
export async function mintJoinKey(
  t: TestApp,
  b: Browser,
  body: Record<string, unknown> = {},
): Promise<z.infer<typeof CreatedJoinKey>> {
  const res = await opsRequest(t.app, b, 'POST', '/ops/api/join-keys', body);
  if (res.statusCode !== 201) throw new Error(`join key create failed ${res.statusCode}: ${res.body}`);
  return CreatedJoinKey.parse(res.json());
}

export function enrollRequest(
  t: TestApp,
  joinKey: string,
  name: string,
  keys: AgentKeys = newAgentKeys(),
  extra: Record<string, unknown> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/v1/enroll',
    payload: {
      join_key: joinKey,
      registration_name: name,
      public_key: keys.publicKey,
      hostname: `${name}.example.test`,
      version: '0.1.0',
      ...extra,
    },
  });
}

/** Enrolls an agent and returns its credential; throws unless the server answers 201. */
export async function enroll(
  t: TestApp,
  joinKey: string,
  name: string,
  keys: AgentKeys = newAgentKeys(),
): Promise<AgentCredential> {
  const res = await enrollRequest(t, joinKey, name, keys);
  if (res.statusCode !== 201) throw new Error(`enroll failed ${res.statusCode}: ${res.body}`);
  return AgentCredential.parse(res.json());
}

/** Asks for a challenge and signs it with `keys`: the body of a refresh request. */
export async function signedRefresh(t: TestApp, agentId: string, keys: AgentKeys) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/enroll/challenge',
    payload: { agent_id: agentId },
  });
  if (res.statusCode !== 200) throw new Error(`challenge failed ${res.statusCode}: ${res.body}`);
  const { challenge } = res.json<{ challenge: string }>();
  return { agent_id: agentId, challenge, signature: keys.sign(refreshMessage(agentId, challenge)) };
}
