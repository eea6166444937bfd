// The contract every core tool follows: JSON arguments on stdin, one JSON result on stdout,
// exit 0; on error a one-line message on stderr and exit 1 (2 for bad arguments).

export class ToolError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the arguments object; an empty stdin counts as `{}` so tools are easy to try by hand. */
export async function readArgs() {
  const text = (await readStdin()).trim();
  if (text === '') return {};
  let args;
  try {
    args = JSON.parse(text);
  } catch {
    throw new ToolError('arguments on stdin are not valid JSON', 2);
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new ToolError('arguments on stdin must be a JSON object', 2);
  return args;
}

/** Refuses arguments the tool does not know, as the manifest's `additionalProperties: false` does. */
export function onlyKeys(args, allowed) {
  for (const k of Object.keys(args))
    if (!allowed.includes(k))
      throw new ToolError(`unknown argument ${k} (allowed: ${allowed.join(', ') || 'none'})`, 2);
}

export function stringArg(args, name, { required = false, fallback } = {}) {
  const v = args[name];
  if (v === undefined) {
    if (required) throw new ToolError(`argument ${name} is required`, 2);
    return fallback;
  }
  if (typeof v !== 'string' || v === '')
    throw new ToolError(`argument ${name} must be a non-empty string`, 2);
  return v;
}

export function intArg(args, name, { min, max, fallback }) {
  const v = args[name];
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ToolError(`argument ${name} must be an integer from ${min} to ${max}`, 2);
  return v;
}

/** Runs a tool body: prints its result as JSON, or the error and the matching exit code. */
export async function runTool(body) {
  try {
    const args = await readArgs();
    const result = await body(args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    const code = err instanceof ToolError ? err.exitCode : 1;
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = code;
  }
}
