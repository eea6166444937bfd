export {
  XemClient,
  type AuditListQuery,
  type CreateExecutionOptions,
  type List,
  type StreamOptions,
  type XemClientOptions,
} from './xem-client';
export type { ApprovalListQuery } from './approval-list-query';
export type { DelegationListQuery } from './delegation-list-query';
export type { ExecutionListQuery, PageQuery } from './execution-list-query';
export { ChatsApi, type ChatListQuery, type ChatStreamOptions, type SendStreamingOptions } from './chats-api';
export { TemplatesApi, type TemplateListQuery } from './templates-api';
export { WebhooksApi, type DeliveryListQuery } from './webhooks-api';
export { DiscoveryApi, type DiscoveryListFilters } from './discovery-api';
export { XemApiError, type ClientErrorCode, type XemApiErrorInit, type XemErrorCode } from './xem-api-error';
export { XemConnectionError } from './xem-connection-error';
export { SseParser, type SseParserHandlers } from './sse/sse-parser';
export {
  openEventStream,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_RETRY_MS,
  type EventStream,
  type EventStreamOptions,
} from './sse/open-event-stream';
export type { StreamState, StreamStatus } from './sse/stream-status';
export { XemStreamEndedError } from './sse/xem-stream-ended-error';
export { parseEventData } from './sse/parse-event-data';
export type { ApprovalStreamFilters, ExecutionStreamFilters } from './sse/stream-filters';
export {
  decodeApprovalStreamEvent,
  decodeExecutionStreamEvent,
  type ApprovalStreamEvent,
  type ExecutionStreamEvent,
  type XExecApprovalEventName,
  type XExecConnectionEvent,
  type XExecExecutionEventName,
} from './sse/x-exec-stream-event';
export {
  decodeChatStreamEvent,
  type ChatConnectionEvent,
  type ChatFactEvent,
  type ChatStreamEvent,
} from './sse/chat-stream-event';
export { postEventStream, DONE_DATA, type PostEventStreamSpec } from './sse/post-event-stream';
export { OpsClient, type OpsStreamOptions } from './ops-client';
export type { SessionAuth } from './send-request';
