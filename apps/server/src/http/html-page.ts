import type { FastifyReply } from 'fastify';
import { PAGE_STYLESHEET_PATH } from './page-stylesheet';

/**
 * Minimal server-rendered pages (link pages): no scripts, no inline styles, so the CSP holds; their
 * look comes from the stylesheet of page-stylesheet.ts.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page around `body` (already escaped HTML). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}"><title>${escapeHtml(title)} · XEM</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A page whose URL carries a token: never cached, never leaked through Referer. */
export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(body);
}
