import type { Execution } from '@xem/protocol';
import type { Deps } from '../../deps';
import { executionFields } from './execution-columns';

/** What cancel, retry and mark-failed print: the execution as it is now, and what happened. */
export function printAction(deps: Deps, e: Execution, note: string): void {
  deps.out.record(executionFields(e), e);
  if (!deps.out.isJson) deps.out.note(note);
}
