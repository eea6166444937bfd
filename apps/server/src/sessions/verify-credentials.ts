import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN, type AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { findUserByEmail, type UserRow } from '../identity/users';
import { assertNotThrottled, clearLoginFailures, recordLoginFailure } from './login-throttle';

/**
 * Checks e-mail and password under the per-account and per-IP throttles. Unknown e-mail and
 * wrong password give the same answer after the same amount of work.
 */
export async function verifyCredentials(
  deps: AppDeps,
  ctx: AuditContext,
  email: string,
  password: string,
): Promise<UserRow> {
  const { db, config, hasher } = deps;
  const normalized = email.trim().toLowerCase();
  const acctKey = `acct:${normalized}`;
  const ipKey = `ip:${ctx.ip ?? 'unknown'}`;
  try {
    await assertNotThrottled(db, [acctKey, ipKey]);
  } catch (err) {
    await auditDenied(db, SYSTEM_CHAIN, ctx, { action: 'auth.login_throttled', targetType: 'email', targetId: normalized });
    throw err;
  }
  const user = await findUserByEmail(db, normalized);
  let ok = false;
  if (user) ok = await hasher.verify(password, user.password_hash);
  else await hasher.dummyVerify(password);
  if (!ok || !user) {
    const limits = { windowSeconds: config.login.windowSeconds, maxBlockSeconds: config.login.maxBlockSeconds };
    await recordLoginFailure(db, acctKey, { ...limits, maxFailures: config.login.maxFailuresPerAccount });
    await recordLoginFailure(db, ipKey, { ...limits, maxFailures: config.login.maxFailuresPerIp });
    await auditDenied(db, SYSTEM_CHAIN, ctx, { action: 'auth.login', targetType: 'email', targetId: normalized });
    throw new AppError('invalid_credentials', 'e-mail or password is wrong');
  }
  await clearLoginFailures(db, acctKey);
  return user;
}
