// The OpenAPI 3.1 document of the three faces, built once from the operations each router
// registers (./operation.ts) and zod's own JSON Schema output (OpenAPI 3.1 is JSON Schema
// 2020-12, which `z.toJSONSchema` writes).
import { z } from 'zod';
import type { Operation } from './operation';
import { errorAnswer, telegramError } from './wire';

export interface Surface {
  tag: string;
  description: string;
  operations: readonly Operation[];
  /** The error body this surface answers with. */
  error: z.ZodType;
}

type Json = Record<string, unknown>;

/** Request shapes as the client sends them (before defaults and transforms). */
const requestSchema = (s: z.ZodType): Json =>
  strip(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }));
const answerSchema = (s: z.ZodType): Json =>
  strip(z.toJSONSchema(s, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }));

/** Inside an OpenAPI document the dialect is the document's; `$schema` per schema is noise. */
function strip(schema: Json): Json {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** `/chats/:chat_id` → `/chats/{chat_id}`; `/bot:token/:method` → `/bot{token}/{method}`. */
export const openApiPath = (express: string) => express.replace(/:([A-Za-z_]\w*)/g, '{$1}');

const SECURITY: Record<Operation['auth'], Json[]> = {
  jwt: [{ bearerJwt: [] }],
  bot: [{ botToken: [] }],
  gateway: [{ gatewayPathToken: [] }, { bearerBotToken: [] }],
  none: [],
};

/** Every operation may be refused with these; the body's sentence says why. */
const ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 415, 429, 503];

function parametersOf(o: Operation): Json[] {
  const params: Json[] = [...o.path.matchAll(/:([A-Za-z_]\w*)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (o.query) {
    const q = requestSchema(o.query) as { properties?: Json; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
  }
  return params;
}

function operationObject(o: Operation, surface: Surface, id: string): Json {
  const responses: Json = {};
  for (const [status, answer] of Object.entries(o.answers)) {
    responses[status] = {
      description: answer.description,
      ...(answer.schema && {
        content: { 'application/json': { schema: answerSchema(answer.schema) } },
      }),
      ...(answer.contentType && {
        content: { [answer.contentType]: { schema: { type: 'string', format: 'binary' } } },
      }),
    };
  }
  for (const status of ERROR_STATUSES) {
    responses[String(status)] ??= {
      description: 'Refused; the body says why',
      content: { 'application/json': { schema: answerSchema(surface.error) } },
    };
  }
  const parameters = parametersOf(o);
  return {
    operationId: id,
    summary: o.summary,
    tags: [surface.tag],
    security: SECURITY[o.auth],
    ...(parameters.length > 0 && { parameters }),
    ...(o.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: requestSchema(o.body) } },
      },
    }),
    responses,
  };
}

const operationId = (o: Operation) =>
  `${o.method}${o.path.replace(/[:{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string = '') => c.toUpperCase())}`;

export function buildOpenApi(surfaces: readonly Surface[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const surface of surfaces) {
    for (const o of surface.operations) {
      const path = (paths[openApiPath(o.path)] ??= {});
      if (path[o.method]) throw new Error(`OpenAPI: ${o.method} ${o.path} registered twice`);
      path[o.method] = operationObject(o, surface, operationId(o));
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Quanta Bot Platform',
      version,
      description:
        'The messenger API (people, JWT), the Quanta bot API (bots, X-Bot-Token) and the ' +
        'Telegram-compatible gateway. Generated from the zod schemas the server validates with.',
    },
    tags: surfaces.map((s) => ({ name: s.tag, description: s.description })),
    components: {
      securitySchemes: {
        bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        botToken: { type: 'apiKey', in: 'header', name: 'X-Bot-Token' },
        bearerBotToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The bot token (Koto form)',
        },
        gatewayPathToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Token-In-Path',
          description: 'The bot token in the path: /bot<token>/<method> (no header is read)',
        },
      },
    },
    paths,
  };
}

export const quantaError = errorAnswer;
export const gatewayError = telegramError;
