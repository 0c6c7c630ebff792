/**
 * Reading an OpenAPI 3.1 document in tests: its operations, and validators of its schemas
 * (Ajv, JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Schema } from './schema-fuzz.js';

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}
export interface Operation {
  method: string;
  /** The document's path template, e.g. /cc/calls/{call_id}. */
  path: string;
  operationId: string;
  role?: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
export interface Doc {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
  [k: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function operationsOf(doc: Doc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!(HTTP_METHODS as readonly string[]).includes(method)) continue;
      const o = raw as Record<string, unknown>;
      out.push({
        method,
        path,
        operationId: String(o.operationId ?? `${method} ${path}`),
        role: o['x-cc-role'] as string | undefined,
        parameters: (o.parameters ?? []) as Parameter[],
        requestBody: o.requestBody as Operation['requestBody'],
        responses: (o.responses ?? {}) as Operation['responses'],
      });
    }
  }
  return out;
}

/** Validators of the document's schemas, by JSON pointer into it (compiled once each). */
export class DocSchemas {
  private readonly ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: false });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(doc: Doc) {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema(doc, 'doc');
  }

  /** The validator of the schema at `segments` (unescaped path segments into the document). */
  at(...segments: string[]): ValidateFunction {
    const ref = `doc#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    let v = this.cache.get(ref);
    if (!v) this.cache.set(ref, (v = this.ajv.compile({ $ref: ref })));
    return v;
  }

  /** A schema written inside the document (its $refs point into it), checked against `value`. */
  fits(schema: Schema, value: unknown): boolean {
    const key = JSON.stringify(schema);
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = this.ajv.compile(rebase(schema) as object)));
    return v(value) as boolean;
  }

  /** The errors of the last check, short. */
  static explain(v: ValidateFunction): string {
    return (v.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
  }
}

/** Local refs (#/components/...) made to point into the document added as "doc". */
function rebase(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(rebase);
  if (s === null || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `doc${v}` : rebase(v)]));
}
