import { sql, type RawBuilder } from 'kysely';

/**
 * The action an approval is bound to, as a SQL expression over an `executions` row alias:
 * sha256 of the jsonb {tool, args, workspace_id, policy_version}. jsonb has one text form for
 * equal values (keys sorted, no insignificant whitespace), so the args are hashed canonically,
 * and the same expression serves the request, the decision and the dispatch check.
 */
export function actionHashSql(
  execAlias: string,
  policyVersion: RawBuilder<number> | number,
): RawBuilder<string> {
  const col = (c: string) => sql.ref(`${execAlias}.${c}`);
  const version = typeof policyVersion === 'number' ? sql`${policyVersion}::int` : policyVersion;
  return sql<string>`encode(sha256(convert_to(jsonb_build_object(
    'tool', ${col('tool')}, 'args', ${col('args')}, 'workspace_id', ${col('workspace_id')},
    'policy_version', ${version})::text, 'UTF8')), 'hex')`;
}
