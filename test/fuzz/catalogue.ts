// The fuzz catalogue, derived: every operation of the OpenAPI document the api serves, with
// what the document says of it (method, path, path and query parameters, request body
// schema, who may call, which error envelope it answers with) and the zod schema the route
// parses its input with, looked up from the same registrations the document is built from.
// A route added with its op(...) entry is fuzzed without touching test/fuzz; what the
// document cannot say lives in ./resources.ts.
//
// Why both sources: the document's JSON Schemas drive generation (they are plain data, and
// they are what clients read), and zod is the oracle of validity — JSON Schema cannot carry
// zod's refinements and transforms, so a value of the right shape may still be invalid.
import type { z } from 'zod';
import { parse } from '../../src/domain/validation';
import { openApiDocument, SURFACES } from '../../src/http/openapi';
import { openApiPath } from '../../src/http/openapi/document';
import type { JsonSchema } from './schema-arbitraries';
import { EXCLUDED } from './resources';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FuzzOperation {
  /** `POST /api/v1/chats/{chat_id}/messages`: the document's method and path. */
  key: string;
  method: HttpMethod;
  /** The document's path, `{name}` for each path parameter. */
  path: string;
  /** The document's tag (messenger, quanta, gateway, platform). */
  surface: string;
  /** Which error body a refusal comes in: `{error}`, or Telegram's `{ok: false, …}`. */
  dialect: 'quanta' | 'gateway';
  /** From the operation's security: a person's JWT, X-Bot-Token, a gateway token, none. */
  auth: 'none' | 'user' | 'bot' | 'gateway';
  pathParams: string[];
  /** Where the input goes, and its JSON Schema (query parameters as one object). */
  input: 'body' | 'query' | 'none';
  schema?: JsonSchema;
  /** The zod schema the route parses that input with (absent: it takes none). */
  zod?: z.ZodType;
  /** For a gateway operation, the method's name (`/bot<token>/<name>`). */
  gatewayMethod?: string;
}

interface DocOperation {
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

const AUTH: Record<string, FuzzOperation['auth']> = {
  bearerJwt: 'user',
  botToken: 'bot',
  gatewayPathToken: 'gateway',
  bearerBotToken: 'gateway',
};

/** The zod schema behind each documented operation's input, by `METHOD /path`. */
function zodSchemas(): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>();
  for (const surface of SURFACES) {
    for (const o of surface.operations) {
      const schema = o.body ?? o.query;
      if (schema) out.set(`${o.method.toUpperCase()} ${openApiPath(o.path)}`, schema);
    }
  }
  return out;
}

function fromDocument(
  method: string,
  path: string,
  o: DocOperation,
  tag: string,
  zods: Map<string, z.ZodType>,
): FuzzOperation {
  const key = `${method.toUpperCase()} ${path}`;
  const scheme = Object.keys(o.security?.[0] ?? {})[0];
  const params = o.parameters ?? [];
  const query = params.filter((p) => p.in === 'query');
  const body = o.requestBody?.content['application/json']?.schema;
  const error = o.responses['400']?.content?.['application/json']?.schema;
  const schema: JsonSchema | undefined =
    body ??
    (query.length > 0
      ? {
          type: 'object',
          properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
          required: query.filter((p) => p.required).map((p) => p.name),
        }
      : undefined);
  const gateway = /^\/gateway\/bot\{token\}\/(\w+)$/.exec(path);
  return {
    key,
    method: method.toUpperCase() as HttpMethod,
    path,
    surface: tag,
    dialect: error?.properties && 'ok' in error.properties ? 'gateway' : 'quanta',
    auth: scheme ? AUTH[scheme]! : 'none',
    pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
    input: body ? 'body' : query.length > 0 ? 'query' : 'none',
    ...(schema && { schema }),
    ...(zods.get(key) && { zod: zods.get(key) }),
    ...(gateway && { gatewayMethod: gateway[1] }),
  };
}

/** Every documented operation, in the document's order (which the runs keep). */
export function documentedOperations(): FuzzOperation[] {
  const doc = openApiDocument() as {
    paths: Record<string, Record<string, DocOperation & { tags: string[] }>>;
  };
  const zods = zodSchemas();
  const out: FuzzOperation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, o] of Object.entries(ops)) {
      out.push(fromDocument(method, path, o, o.tags[0]!, zods));
    }
  }
  return out;
}

/** The operations the fuzzer runs: every documented one not in resources.ts EXCLUDED. */
export const OPERATIONS: FuzzOperation[] = documentedOperations().filter(
  (o) => !(o.key in EXCLUDED),
);

export const GATEWAY_OPERATIONS = OPERATIONS.filter((o) => o.gatewayMethod);
export const REST_OPERATIONS = OPERATIONS.filter((o) => !o.gatewayMethod);

/** `/chats/{chat_id}` → `/chats/:chat_id`, to fill in. */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Would the route take this input? The route's own `parse` (zod, then the storable-text
 * check) answers; the input is what the server sees after its body or query parser.
 */
export function validInput(op: FuzzOperation, input: unknown): boolean {
  if (!op.zod) return true;
  try {
    parse(op.zod, input);
    return true;
  } catch {
    return false;
  }
}

/** Part `part` of `parts` of a list, in order: to spread one surface over fuzz files. */
export const part = <T>(list: T[], index: number, parts: number): T[] => {
  const size = Math.ceil(list.length / parts);
  return list.slice(index * size, (index + 1) * size);
};
