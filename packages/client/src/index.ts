export { XemClient, type AuditListQuery, type List, type XemClientOptions } from './xem-client';
export { XemApiError, type ClientErrorCode, type XemApiErrorInit, type XemErrorCode } from './xem-api-error';
export { XemConnectionError } from './xem-connection-error';
