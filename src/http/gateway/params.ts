// A method's parameters, wherever the client put them: the query string, a JSON body, an
// urlencoded form or a multipart form (the libraries use all four). Form values are strings,
// so structured parameters sent JSON-encoded in a form are decoded here, and file parts are
// held in memory (capped) and bound to their parameter or to `attach://<name>` references.
import type { Request, RequestHandler } from 'express';
import express from 'express';
import busboy from 'busboy';
import { AppError, appError } from '../../domain/errors';
import { MAX_JSON_DEPTH, nestedTooDeep, tooDeep } from '../body';

export interface UploadedFile {
  /** Marks a value as a file part (as opposed to a string or decoded JSON). */
  kind: 'file';
  filename: string;
  mime: string;
  data: Buffer;
}

export type Params = Record<string, unknown>;

export const isUploadedFile = (v: unknown): v is UploadedFile =>
  typeof v === 'object' && v !== null && (v as UploadedFile).kind === 'file';

/** Parameters Telegram defines as objects or arrays: JSON-encoded when sent in a form. */
export const JSON_PARAMS: ReadonlySet<string> = new Set([
  'reply_markup',
  'allowed_updates',
  'commands',
  'scope',
  'reply_parameters',
  'entities',
  'caption_entities',
  'options',
  'media',
  'link_preview_options',
  'reaction',
  'explanation_entities',
  'menu_button',
]);

const ATTACH = /^attach:\/\/(.+)$/;

export function sizeToBytes(size: string): number {
  const m = /^(\d+)(b|kb|mb)?$/i.exec(size);
  if (!m) throw new Error(`bad size ${size}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

const ct = (req: { headers: { 'content-type'?: string } }) => req.headers['content-type'] ?? '';

/** A JSON body, by its content type (what the JSON parser reads). */
export const isJson = (req: { headers: { 'content-type'?: string } }) =>
  /^application\/([\w.+-]+\+)?json/i.test(ct(req));

/** Body parsers for JSON and urlencoded bodies (in that order); multipart is read by readParams. */
export function bodyParsers(limit: string): [json: RequestHandler, form: RequestHandler] {
  return [
    // Not strict: some clients (Go's telebot) send `null` for a method without parameters,
    // which Telegram takes as none; readParams refuses any other non-object.
    express.json({ limit, strict: false, type: isJson }),
    express.urlencoded({ limit, extended: false }),
  ];
}

/** Every parameter of the request, query string first, the body's values winning. */
export async function readParams(req: Request, limitBytes: number): Promise<Params> {
  const files = new Map<string, UploadedFile>();
  let body: Params = {};
  if (/^multipart\/form-data/i.test(ct(req))) {
    const form = await readMultipart(req, limitBytes);
    body = form.fields;
    for (const [name, file] of form.files) files.set(name, file);
  } else if (isPlainObject(req.body)) {
    body = req.body;
  } else if (req.body !== undefined && typeof req.body !== 'object') {
    // A bare JSON string, number or boolean names no parameters (null and arrays: none).
    throw appError('malformed_json');
  }
  const merged: Params = { ...(req.query as Params), ...body };
  const out: Params = {};
  for (const [name, value] of Object.entries(merged)) {
    const decoded = decodeJson(name, value);
    // Before the recursive attach:// walk (a JSON body or a JSON-encoded form field).
    if (nestedTooDeep(decoded, MAX_JSON_DEPTH - 1)) throw tooDeep();
    put(out, name, resolveAttachments(decoded, files));
  }
  // A file part sent under the parameter's own name (telegraf, node-telegram-bot-api; the
  // latter also puts an empty `photo=` in the query string) unless the body names another.
  for (const [name, file] of files) if (body[name] === undefined) put(out, name, file);
  return out;
}

/**
 * An own property whatever the name: `out[name] = v` with name `__proto__` would set the
 * object's prototype instead, so `{"__proto__": {"chat_id": …}}` supplied parameters
 * through the prototype chain (zod reads inherited properties).
 */
function put(o: Params, name: string, value: unknown): void {
  // Only `__proto__` is special on a plain object; defineProperty is the slow path for the rest.
  if (name !== '__proto__') o[name] = value;
  else
    Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function decodeJson(name: string, value: unknown): unknown {
  if (typeof value !== 'string' || !JSON_PARAMS.has(name)) return value;
  try {
    return JSON.parse(value);
  } catch {
    throw appError('unparsable_param', { field: name });
  }
}

/** `attach://x` anywhere in a value (top level, or inside `media`) → the file part x. */
function resolveAttachments(value: unknown, files: Map<string, UploadedFile>): unknown {
  if (typeof value === 'string') {
    const m = ATTACH.exec(value);
    if (!m) return value;
    const file = files.get(m[1]!);
    if (!file) throw appError('missing_attachment', { detail: m[1] });
    return file;
  }
  if (Array.isArray(value)) return value.map((v) => resolveAttachments(v, files));
  if (isPlainObject(value) && !isUploadedFile(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveAttachments(v, files)]),
    );
  }
  return value;
}

const MAX_FIELDS = 100;
const MAX_FILES = 10;

function readMultipart(
  req: Request,
  limitBytes: number,
): Promise<{ fields: Params; files: Map<string, UploadedFile> }> {
  return new Promise((resolve, reject) => {
    const fields: Params = {};
    const files = new Map<string, UploadedFile>();
    let total = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume(); // drain, so the answer can still be written
      reject(err);
    };
    const tooLarge = () => appError('body_too_large');
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: limitBytes,
          fields: MAX_FIELDS,
          files: MAX_FILES,
          fieldSize: limitBytes,
        },
      });
    } catch {
      reject(appError('malformed_multipart'));
      return;
    }
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(tooLarge());
      // busboy hands over `undefined` for a part in a charset it cannot decode
      // (`Content-Type: text/plain; charset=nope`); this handler then threw inside the
      // request stream, an uncaught exception.
      if (typeof value !== 'string')
        return fail(new AppError('unsupported_encoding', { field: name }));
      total += value.length;
      if (total > limitBytes) return fail(tooLarge());
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        total += c.length;
        if (total > limitBytes) fail(tooLarge());
        else chunks.push(c);
      });
      stream.on('limit', () => fail(tooLarge()));
      // A body that ends inside a file part destroys its stream with an error: without this
      // listener that was an unhandled 'error' event, which kills the process.
      stream.on('error', () => fail(new AppError('malformed_multipart')));
      stream.on('end', () => {
        files.set(name, {
          kind: 'file',
          filename: info.filename ?? name,
          mime: info.mimeType || 'application/octet-stream',
          data: Buffer.concat(chunks),
        });
      });
    });
    bb.on('filesLimit', () =>
      fail(
        new AppError('malformed_multipart', { detail: `at most ${MAX_FILES} files per request` }),
      ),
    );
    bb.on('fieldsLimit', () =>
      fail(
        new AppError('malformed_multipart', { detail: `at most ${MAX_FIELDS} fields per request` }),
      ),
    );
    bb.on('error', () => fail(new AppError('malformed_multipart')));
    bb.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(bb);
  });
}
