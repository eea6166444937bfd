import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { canonicalJson } from '../audit/canonical-json';
import { AppError } from '../http/app-error';
import { sha256Hex } from '../ids';

// Manifests come from agents: unknown keywords and formats are tolerated rather than fatal.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });

/** Compiled validators by hash of the canonical schema; manifests repeat the same few schemas. */
const cache = new Map<string, ValidateFunction>();
const CACHE_MAX = 1000;

function compile(tool: string, schema: Record<string, unknown>): ValidateFunction {
  const key = sha256Hex(canonicalJson(schema));
  let fn = cache.get(key);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
    } catch (err) {
      throw new AppError(
        'invalid_body',
        `tool ${tool} declares a params schema that is not valid JSON Schema (${(err as Error).message}); fix the agent's manifest`,
        { param: 'tool' },
      );
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  return fn;
}

/** Validates `args` against a tool's params schema (JSON Schema 2020-12); 400 naming `args.<field>`. */
export function validateArgs(tool: string, schema: Record<string, unknown>, args: unknown): void {
  const validate = compile(tool, schema);
  if (validate(args)) return;
  const err = validate.errors![0]!;
  const param = ['args', ...pathOf(err)].join('.');
  throw new AppError('invalid_body', `${param}: ${err.message ?? 'invalid value'} (tool ${tool})`, { param });
}

function pathOf(err: ErrorObject): string[] {
  const path = err.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = err.params as { missingProperty?: string; additionalProperty?: string };
  if (err.keyword === 'required' && p.missingProperty) path.push(p.missingProperty);
  if (err.keyword === 'additionalProperties' && p.additionalProperty) path.push(p.additionalProperty);
  return path;
}
