import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config';
import { AppError } from '../http/app-error';
import { htmlPage } from '../http/html-page';

/** JSON and stream prefixes under /ops: an unknown path there is a JSON 404, never the page. */
const NOT_PAGES = ['/ops/api/', '/ops/stream', '/ops/assets/'];

/**
 * Serves the built dashboard (apps/web/dist): hashed files under /ops/assets/ with a one-year
 * immutable cache, and index.html (never cached) for every page route of the single-page app —
 * /ops, /ops/operations, /ops/templates/:id/edit, … — so each deep link survives a reload. The
 * page itself is public; it asks GET /ops/session and shows the login when there is none.
 */
export function dashboardPageRoutes(app: FastifyInstance, config: Config): void {
  const index = join(config.webDir, 'index.html');
  let html: string | null = null;
  const page = (reply: FastifyReply) => {
    html ??= existsSync(index) ? readFileSync(index, 'utf8') : null;
    void reply.header('cache-control', 'no-cache');
    if (html === null) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          htmlPage(
            'Dashboard not built',
            `<p>The dashboard has not been built in ${config.webDir}. Run <code>npm run build:web</code> (npm start does it for you), then reload.</p>`,
          ),
        );
    }
    return reply.type('text/html; charset=utf-8').send(html);
  };

  const opts = { config: { public: true }, schema: { hide: true } };
  app.get('/ops', opts, async (_req, reply) => page(reply));
  app.get('/ops/*', opts, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (NOT_PAGES.some((p) => path.startsWith(p)))
      throw new AppError('not_found', `no route for GET ${path}`);
    return page(reply);
  });
}

/** The hashed bundle files, outside the /ops session guard (they hold no data). */
export async function dashboardAssetRoutes(app: FastifyInstance, config: Config): Promise<void> {
  const assets = join(config.webDir, 'assets');
  if (!existsSync(assets)) return;
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/ops/assets/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    index: false,
    wildcard: true,
  });
}
