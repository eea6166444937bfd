import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_TOOLS } from './builtin-tools';
import { Runner, type ToolSpec } from './runner';
import { dispatch, resultSink, silentLog, tempDirs } from './test-helpers';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const SCRIPTS: Record<string, string> = {
  'env.mjs': `let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const e={};for(const[k,v]of Object.entries(process.env))if(k.startsWith('XEM_'))e[k]=v;process.stdout.write(JSON.stringify({stdin:JSON.parse(s),env:e,cwd:process.cwd()}))})`,
  'fail.mjs': `process.stderr.write('first line\\ndisk is on fire\\n');process.exit(3)`,
  'big.mjs': `process.stdout.write('x'.repeat(100000));process.stderr.write('y'.repeat(5000))`,
  // Ignores SIGTERM, so only the SIGKILL after the grace stops it.
  'stubborn.mjs': `process.on('SIGTERM',()=>{});process.stdout.write('started\\n');setInterval(()=>{},1000)`,
  // Starts a grandchild and reports its pid: stopping the tool must stop it too.
  'parent.mjs': `import {spawn} from 'node:child_process';const c=spawn('sleep',['60'],{stdio:'ignore'});process.stdout.write(String(c.pid)+'\\n');setInterval(()=>{},1000)`,
  'progress.mjs': `import {writeSync} from 'node:fs';const fd=Number(process.env.XEM_PROGRESS_FD);for(const l of ['{"percent":10}','not json','{"percent":500}','{"other":1}','{"percent":90,"message":"almost"}'])writeSync(fd,l+'\\n')`,
  'wait.mjs': `setTimeout(()=>process.stdout.write('done'), Number(process.argv[2]))`,
};

function makeTools(): Map<string, ToolSpec> {
  const bundleDir = dirs.make('xem-bundle-');
  mkdirSync(bundleDir, { recursive: true });
  const tools = new Map<string, ToolSpec>();
  for (const [file, text] of Object.entries(SCRIPTS)) {
    writeFileSync(join(bundleDir, file), text);
    const name = file.replace('.mjs', '');
    tools.set(name, {
      kind: 'bundle',
      spec: {
        manifest: {
          name,
          description: '',
          risk: 'read',
          domain: 't',
          timeout_ms: 10_000,
          idempotent: true,
          mcp_visible: true,
          params: {},
          bundle: 't',
        },
        command: [process.execPath, join(bundleDir, file), ...(name === 'wait' ? ['300'] : [])],
        bundleDir,
      },
    });
  }
  for (const t of BUILTIN_TOOLS) tools.set(t.manifest.name, { kind: 'builtin', tool: t });
  return tools;
}

let sink: ReturnType<typeof resultSink>;
let credentialsDir: string;
let runner: Runner;
function makeRunner(over: Partial<ConstructorParameters<typeof Runner>[0]> = {}) {
  const tools = makeTools();
  return new Runner({
    tools: () => tools,
    maxConcurrent: 4,
    maxOutputBytes: 1024,
    credentialsDir,
    fileRoot: '/srv/files',
    baseEnv: { PATH: process.env.PATH },
    killGraceMs: 2000,
    onResult: (r) => sink.onResult(r),
    log: silentLog,
    ...over,
  });
}
beforeEach(() => {
  sink = resultSink();
  credentialsDir = dirs.make('xem-creds-');
  runner = makeRunner();
});

/** Running (a zombie waiting for its reaper counts as gone). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('Runner with child processes', () => {
  it('passes args on stdin and the documented environment, in the bundle directory', async () => {
    writeFileSync(join(credentialsDir, 'ws_test'), 'token=1', { mode: 0o600 });
    const d = dispatch('env', { a: 1, nested: { b: [true] } });
    runner.start(d);
    const r = await sink.wait(d.execution_id);
    expect(r).toMatchObject({ outcome: 'completed', exit_code: 0, truncated: false, attempt: 1 });
    const out = JSON.parse(r.stdout);
    expect(out.stdin).toEqual({ a: 1, nested: { b: [true] } });
    expect(out.env).toEqual({
      XEM_TOOL_NAME: 'env',
      XEM_EXECUTION_ID: d.execution_id,
      XEM_WORKSPACE_ID: 'ws_test',
      XEM_FILE_ROOT: '/srv/files',
      XEM_MAX_OUTPUT_BYTES: '1024',
      XEM_PROGRESS_FD: '3',
      XEM_CREDENTIALS_FILE: join(credentialsDir, 'ws_test'),
    });
  });

  it('leaves XEM_CREDENTIALS_FILE unset when the workspace has no file', async () => {
    const d = dispatch('env', {}, { workspace_id: 'ws_other' });
    runner.start(d);
    expect(JSON.parse((await sink.wait(d.execution_id)).stdout).env).not.toHaveProperty(
      'XEM_CREDENTIALS_FILE',
    );
  });

  it('passes well-formed progress lines from XEM_PROGRESS_FD on and ignores the rest', async () => {
    const seen: unknown[] = [];
    runner = makeRunner({ onProgress: (ref, p) => seen.push({ ...ref, ...p }) });
    const d = dispatch('progress');
    runner.start(d);
    expect((await sink.wait(d.execution_id)).outcome).toBe('completed');
    expect(seen).toEqual([
      { execution_id: d.execution_id, attempt: 1, percent: 10 },
      { execution_id: d.execution_id, attempt: 1, percent: 90, message: 'almost' },
    ]);
  });

  it('reports a non-zero exit as failed with the last stderr line', async () => {
    const d = dispatch('fail');
    runner.start(d);
    const r = await sink.wait(d.execution_id);
    expect(r).toMatchObject({ outcome: 'failed', exit_code: 3, stderr: 'first line\ndisk is on fire\n' });
    expect(r.error).toEqual({ code: 'tool_failed', message: 'fail exited with code 3: disk is on fire' });
  });

  it('caps each stream at XEM_MAX_OUTPUT_BYTES and says so', async () => {
    const d = dispatch('big');
    runner.start(d);
    const r = await sink.wait(d.execution_id);
    expect(r.outcome).toBe('completed');
    expect(r.stdout).toBe('x'.repeat(1024));
    expect(r.stderr).toBe('y'.repeat(1024));
    expect(r.truncated).toBe(true);
  });

  it('stops a tool at its timeout: SIGTERM, then SIGKILL after 2 s when ignored → timed_out', async () => {
    const d = dispatch('stubborn', {}, { timeout_ms: 300 });
    const t0 = Date.now();
    runner.start(d);
    const r = await sink.wait(d.execution_id);
    const took = Date.now() - t0;
    expect(r).toMatchObject({ outcome: 'timed_out', exit_code: null, stdout: 'started\n' });
    expect(r.error?.code).toBe('timed_out');
    expect(took).toBeGreaterThanOrEqual(2200);
    expect(took).toBeLessThan(6000);
  });

  it('cancels a running tool and its children → cancelled', async () => {
    const d = dispatch('parent');
    runner.start(d);
    await new Promise((r) => setTimeout(r, 400));
    expect(runner.inFlight).toEqual([{ execution_id: d.execution_id, attempt: 1 }]);
    expect(runner.cancel(d.execution_id, 1)).toBe(true);
    const r = await sink.wait(d.execution_id);
    expect(r.outcome).toBe('cancelled');
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(false);
    expect(runner.cancel(d.execution_id, 1)).toBe(false);
    expect(runner.size).toBe(0);
  });

  it('refuses work beyond the concurrency limit with agent_busy and runs the rest', async () => {
    runner = makeRunner({ maxConcurrent: 2 });
    const ds = [dispatch('wait'), dispatch('wait'), dispatch('wait')];
    for (const d of ds) runner.start(d);
    const busy = await sink.wait(ds[2]!.execution_id);
    expect(busy).toMatchObject({ outcome: 'failed', exit_code: null, error: { code: 'agent_busy' } });
    expect(runner.size).toBe(2);
    expect((await sink.wait(ds[0]!.execution_id)).outcome).toBe('completed');
    expect((await sink.wait(ds[1]!.execution_id)).stdout).toBe('done');
    const after = dispatch('noop');
    runner.start(after);
    expect((await sink.wait(after.execution_id)).outcome).toBe('completed');
  });

  it('refuses an unknown tool, a start failure, and new work while draining', async () => {
    const unknown = dispatch('nope');
    runner.start(unknown);
    expect((await sink.wait(unknown.execution_id)).error?.code).toBe('tool_not_found');

    const tools = makeTools();
    tools.set('broken', {
      kind: 'bundle',
      spec: {
        ...(tools.get('env') as Extract<ToolSpec, { kind: 'bundle' }>).spec,
        command: ['/nonexistent/bin'],
      },
    });
    const r2 = makeRunner({ tools: () => tools });
    const broken = dispatch('broken');
    r2.start(broken);
    expect((await sink.wait(broken.execution_id)).error?.code).toBe('tool_start_failed');

    runner.stopAccepting();
    const late = dispatch('noop');
    runner.start(late);
    expect((await sink.wait(late.execution_id)).error?.code).toBe('agent_draining');
  });

  it('stops an older attempt without reporting it when a newer attempt of the same execution arrives', async () => {
    runner = makeRunner({ maxConcurrent: 1 });
    const first = dispatch('sleep', { ms: 60_000 });
    runner.start(first);
    const second = { ...first, attempt: 2, args: { ms: 10 } };
    runner.start(second);
    const r = await sink.wait(first.execution_id);
    expect(r).toMatchObject({ attempt: 2, outcome: 'completed' });
    await new Promise((ok) => setTimeout(ok, 50));
    expect(sink.results.filter((x) => x.execution_id === first.execution_id)).toHaveLength(1);
    expect(runner.size).toBe(0);
  });

  it('abandons every running tool on request', async () => {
    const ds = [dispatch('stubborn'), dispatch('sleep', { ms: 60_000 })];
    for (const d of ds) runner.start(d);
    await new Promise((r) => setTimeout(r, 300));
    await runner.abandonAll();
    for (const d of ds) expect((await sink.wait(d.execution_id)).outcome).toBe('abandoned');
    expect(runner.size).toBe(0);
  });
});

describe('built-in tools', () => {
  it('echo returns its arguments and noop nothing', async () => {
    const e = dispatch('echo', { hello: 'world', n: 2 });
    const n = dispatch('noop');
    runner.start(e);
    runner.start(n);
    expect(JSON.parse((await sink.wait(e.execution_id)).stdout)).toEqual({ hello: 'world', n: 2 });
    expect(await sink.wait(n.execution_id)).toMatchObject({ outcome: 'completed', stdout: '', exit_code: 0 });
  });

  it('sleep waits, is cancellable and times out', async () => {
    const s = dispatch('sleep', { ms: 150 });
    const t0 = Date.now();
    runner.start(s);
    expect(JSON.parse((await sink.wait(s.execution_id)).stdout)).toEqual({ slept_ms: 150 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const c = dispatch('sleep', { ms: 60_000 });
    runner.start(c);
    runner.cancel(c.execution_id, 1);
    expect((await sink.wait(c.execution_id)).outcome).toBe('cancelled');

    const t = dispatch('sleep', { ms: 60_000 }, { timeout_ms: 100 });
    runner.start(t);
    expect((await sink.wait(t.execution_id)).outcome).toBe('timed_out');
  });
});
