/**
 * The SSE clients process of the stream-latency benchmark, forked by the runner so the clients'
 * parsing work is not on the runner's (or the server's) event loop. States: idle → opening (N
 * raw node:http streams, a bounded number at a time, each open once its `connected` frame is
 * parsed) → ready (records when each client parsed each `x_exec.execution.*` frame) → collecting
 * (answers once every client has every requested id, or on timeout) → exits when the runner
 * disconnects.
 */
import http from 'node:http';
import type { FromClients, ToClients } from './clients-messages';
import { SseParser } from './sse-parser';

const now = (): number => performance.timeOrigin + performance.now();

/** Per event id, the parse time of each client that received it, in arrival order. */
const times = new Map<string, number[]>();
const requests: http.ClientRequest[] = [];
const closed: string[] = [];
let duplicates = 0;
let clients = 0;
let shuttingDown = false;
let onFrameParsed: ((id: string) => void) | null = null;

function send(message: FromClients): void {
  process.send!(message);
}

/** Opens one stream; resolves once its `connected` frame is parsed, rejects if it is refused. */
function openClient(url: URL, apiKey: string, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const seen = new Set<string>();
    let connected = false;
    const parser = new SseParser((frame) => {
      if (frame.event === 'x_exec.connection.connected') {
        connected = true;
        resolve();
        return;
      }
      if (frame.id === null || !frame.event.startsWith('x_exec.execution.')) return;
      JSON.parse(frame.data);
      const at = now();
      if (seen.has(frame.id)) {
        duplicates += 1;
        return;
      }
      seen.add(frame.id);
      let list = times.get(frame.id);
      if (!list) times.set(frame.id, (list = []));
      list.push(at);
      onFrameParsed?.(frame.id);
    });
    const req = http.get(
      url,
      { agent: false, headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => reject(new Error(`client ${index}: HTTP ${res.statusCode} ${body}`)));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.push(chunk));
        res.on('close', () => {
          if (!connected) reject(new Error(`client ${index}: stream ended before it was connected`));
          else if (!shuttingDown) closed.push(`client ${index}: stream ended by the server`);
        });
      },
    );
    req.on('error', (err) => {
      if (!connected) reject(new Error(`client ${index}: ${err.message}`));
      else if (!shuttingDown) closed.push(`client ${index}: ${err.message}`);
    });
    requests.push(req);
  });
}

async function openAll(m: Extract<ToClients, { type: 'open' }>): Promise<void> {
  const started = now();
  const url = new URL(m.url);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < m.clients) await openClient(url, m.apiKey, next++);
  };
  await Promise.all(Array.from({ length: Math.min(m.openConcurrency, m.clients) }, worker));
  send({ type: 'ready', openMs: now() - started });
}

function collect(m: Extract<ToClients, { type: 'collect' }>): void {
  const target = m.ids.length * clients;
  let got = m.ids.reduce((sum, id) => sum + (times.get(id)?.length ?? 0), 0);
  const finish = (): void => {
    clearTimeout(timer);
    onFrameParsed = null;
    const out: Record<string, Float64Array> = {};
    for (const id of m.ids) out[id] = Float64Array.from(times.get(id) ?? []);
    send({ type: 'received', times: out, duplicates, closed });
  };
  const timer = setTimeout(finish, m.timeoutMs);
  if (got >= target) return finish();
  const wanted = new Set(m.ids);
  onFrameParsed = (id) => {
    if (wanted.has(id) && ++got >= target) finish();
  };
}

process.on('message', (m: ToClients) => {
  if (m.type === 'open') {
    clients = m.clients;
    openAll(m).catch((err: Error) => send({ type: 'failed', message: err.message }));
  } else if (m.type === 'ping') {
    send({ type: 'pong', sentAt: m.sentAt, clientAt: now() });
  } else if (m.type === 'collect') {
    collect(m);
  }
});
process.on('disconnect', () => {
  shuttingDown = true;
  for (const r of requests) r.destroy();
  process.exit(0);
});
