import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN, type AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { findUserByEmail, type UserRow } from '../identity/users';
import {
  assertNotThrottled,
  claimLoginAttempt,
  clearLoginFailures,
  releaseLoginAttempt,
} from './login-throttle';

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
  const common = { windowSeconds: config.login.windowSeconds, maxBlockSeconds: config.login.maxBlockSeconds };
  const acctLimits = { ...common, maxFailures: config.login.maxFailuresPerAccount };
  const ipLimits = { ...common, maxFailures: config.login.maxFailuresPerIp };
  const claimed = await claimLoginAttempt(db, [
    { key: acctKey, limits: acctLimits },
    { key: ipKey, limits: ipLimits },
  ]);
  if (!claimed) {
    await auditDenied(db, SYSTEM_CHAIN, ctx, {
      action: 'auth.login_throttled',
      targetType: 'email',
      targetId: normalized,
    });
    await assertNotThrottled(db, [acctKey, ipKey]);
    // The block ran out between the claim and the look-up.
    throw new AppError('rate_limited', 'too many failed sign-in attempts; try again in 1 s', {
      retryAfterSeconds: 1,
    });
  }
  const user = await findUserByEmail(db, normalized);
  let ok = false;
  if (user) ok = await hasher.verify(password, user.password_hash);
  else await hasher.dummyVerify(password);
  if (!ok || !user) {
    // The failure was counted by the claim.
    await auditDenied(db, SYSTEM_CHAIN, ctx, {
      action: 'auth.login',
      targetType: 'email',
      targetId: normalized,
    });
    throw new AppError('invalid_credentials', 'e-mail or password is wrong');
  }
  await clearLoginFailures(db, acctKey);
  await releaseLoginAttempt(db, ipKey, ipLimits);
  return user;
}
