import { OpsClient } from '@xem/client';

/** The one client of the page: same origin, session cookie, CSRF token from GET /ops/session. */
export const ops = new OpsClient({ baseUrl: window.location.origin });
export const api = ops.api;
