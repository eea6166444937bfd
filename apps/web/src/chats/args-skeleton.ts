/** One parameter of a tool's JSON Schema, as the Run a tool form describes it. */
export interface ParamInfo {
  name: string;
  type: string;
  required: boolean;
  description: string | null;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The top-level properties of a tool's parameter schema, required ones first. */
export function paramsOf(schema: Record<string, unknown>): ParamInfo[] {
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(record(schema.properties))
    .map(([name, raw]) => {
      const p = record(raw);
      const type = Array.isArray(p.enum)
        ? p.enum.map((v) => JSON.stringify(v)).join(' | ')
        : typeof p.type === 'string'
          ? p.type
          : 'any';
      const description = typeof p.description === 'string' ? p.description : null;
      return { name, type, required: required.has(name), description };
    })
    .sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
}

/**
 * A starting point for the arguments: every required property with its default, or an empty
 * value of its type. Optional ones are left out (the tool's defaults apply).
 */
export function argsSkeleton(schema: Record<string, unknown>): string {
  const props = record(schema.properties);
  const out: Record<string, unknown> = {};
  for (const name of Array.isArray(schema.required) ? schema.required.map(String) : []) {
    const p = record(props[name]);
    if ('default' in p) out[name] = p.default;
    else if (Array.isArray(p.enum) && p.enum.length > 0) out[name] = p.enum[0];
    else if (p.type === 'integer' || p.type === 'number') out[name] = 0;
    else if (p.type === 'boolean') out[name] = false;
    else if (p.type === 'array') out[name] = [];
    else if (p.type === 'object') out[name] = {};
    else out[name] = '';
  }
  return JSON.stringify(out, null, 2);
}

/** The editor's text as an arguments object, or why it is not one. */
export function parseArgs(text: string): { args: Record<string, unknown> } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (err) {
    return { error: `Not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return { error: 'The arguments must be a JSON object.' };
  return { args: v as Record<string, unknown> };
}
