import type { FastifyInstance } from 'fastify';

/** Where the server-rendered pages (approval link, invitation) load their look from. */
export const PAGE_STYLESHEET_PATH = '/ops/page.css';

/**
 * The look of the server-rendered pages: a stylesheet from 'self', because the CSP forbids
 * inline styles and these pages have no build step. Light and dark follow the reader's system.
 */
export const PAGE_STYLESHEET = `:root{--bg:#f6f7f9;--panel:#fff;--panel-2:#f0f2f5;--text:#1b1f24;--muted:#5e6773;--border:#d9dde3;--accent:#2f6fde;--bad:#c62828;--bad-bg:#fbdcdc;--ok:#1a7f37;--crit:#8e24aa;color-scheme:light}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--panel:#171b21;--panel-2:#1f242c;--text:#e3e7ec;--muted:#9aa4b1;--border:#2c333d;--accent:#5b93f5;--bad:#f06a6a;--bad-bg:#421b1b;--ok:#4cc26b;--crit:#cf7be6;color-scheme:dark}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:760px;margin:24px auto;padding:20px 24px;background:var(--panel);border:1px solid var(--border);border-radius:8px}
h1{font-size:20px;margin:0 0 12px}
h2{font-size:15px;margin:20px 0 8px}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:13px}
pre{background:var(--panel-2);border:1px solid var(--border);border-radius:6px;padding:10px;overflow:auto;max-height:360px;white-space:pre-wrap;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
label{display:block;font-weight:500}
input,textarea{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:6px 8px;width:100%;max-width:100%;margin-top:4px}
input:focus-visible,textarea:focus-visible,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid var(--border);background:var(--panel);color:var(--text);cursor:pointer;margin-right:8px}
button[value=approve]{background:var(--accent);border-color:var(--accent);color:#fff}
button[value=reject]{background:var(--bad);border-color:var(--bad);color:#fff}
[role=alert]{background:var(--bad-bg);color:var(--text);border:1px solid var(--bad);border-radius:6px;padding:8px 10px}
.risk-irreversible{color:var(--crit);font-weight:600}
.risk-destructive{color:var(--bad);font-weight:600}
.muted,footer{color:var(--muted)}
`;

export function pageStylesheetRoute(app: FastifyInstance): void {
  app.get(PAGE_STYLESHEET_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(PAGE_STYLESHEET),
  );
}
