import type { WebhookDeliveryDetail } from '@xem/protocol';
import { CliError } from '../../cli-error';
import type { Deps } from '../../deps';
import { EXIT_ERROR } from '../../report-error';
import { deliveryFields } from './webhook-columns';

/**
 * Prints a delivery that was just attempted (test, redeliver) and ends with exit 0 only when
 * the endpoint accepted it, so `xeroctl webhooks test wh_… && …` stops on a broken endpoint.
 */
export function finishDelivery(deps: Deps, d: WebhookDeliveryDetail): void {
  deps.out.record(deliveryFields(d), d);
  if (d.status === 'succeeded') {
    if (!deps.out.isJson)
      deps.out.note(`Delivered ${d.type} ${d.event_id}: the endpoint answered ${d.last_status_code}.`);
    return;
  }
  const next = d.next_attempt_at ? `; retried automatically from ${d.next_attempt_at}` : '';
  throw new CliError(
    `the endpoint did not accept delivery ${d.id}: ${d.last_error ?? d.status}${next}`,
    EXIT_ERROR,
  );
}
