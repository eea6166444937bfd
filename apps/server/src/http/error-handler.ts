import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorEnvelope } from '@xem/protocol';
import { AppError } from './app-error';

export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
  const body: ErrorEnvelope = {
    error: { message: err.message, type: err.type, code: err.code, param: err.param },
  };
  if (err.retryAfterSeconds !== undefined) {
    body.error.retry_after = err.retryAfterSeconds;
    void reply.header('retry-after', String(err.retryAfterSeconds));
  }
  return reply.status(err.status).type('application/json; charset=utf-8').send(body);
}

function fromValidation(err: FastifyError): AppError {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  const code = context === 'body' ? 'invalid_body' : 'invalid_query';
  const first = err.validation?.[0];
  const path = (first?.instancePath ?? '').split('/').filter(Boolean).join('.');
  const param = path || null;
  const where = context === 'body' ? 'body' : context === 'querystring' ? 'query' : context;
  const message = first?.message ?? 'invalid value';
  return new AppError(code, param ? `${param}: ${message}` : `${where}: ${message}`, { param });
}

/** Maps framework errors (parsing, limits, validation) to stable codes. Unknown errors are 500. */
export function toAppError(err: FastifyError | Error): AppError | null {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) return fromValidation(fe);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', 'body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_body', 'Content-Length does not match the body');
  }
  if (err instanceof SyntaxError || fe.statusCode === 400) {
    return new AppError('invalid_json', `body could not be parsed: ${err.message}`);
  }
  if (fe.statusCode === 429) {
    return new AppError('rate_limited', 'too many requests; slow down', { retryAfterSeconds: 60 });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('invalid_body', err.message, { status: fe.statusCode });
  }
  return null;
}

export function registerErrorHandler(app: FastifyInstance): void {
  // JSON is the only body the API takes. Fastify's default text/plain parser would answer a
  // text/plain body with invalid_body instead of the 415 every other non-JSON type gets.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const mapped = toAppError(err);
    if (mapped) return sendError(reply, mapped);
    req.log.error({ err, request_id: req.id }, 'unhandled error');
    return sendError(
      reply,
      new AppError('internal_error', `internal error; quote request id ${req.id} when reporting it`),
    );
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new AppError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)),
  );
}
