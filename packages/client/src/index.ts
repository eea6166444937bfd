export {
  XemClient,
  type AuditListQuery,
  type CreateExecutionOptions,
  type List,
  type XemClientOptions,
} from './xem-client';
export type { ExecutionListQuery, PageQuery } from './execution-list-query';
export { WebhooksApi, type DeliveryListQuery } from './webhooks-api';
export { XemApiError, type ClientErrorCode, type XemApiErrorInit, type XemErrorCode } from './xem-api-error';
export { XemConnectionError } from './xem-connection-error';
