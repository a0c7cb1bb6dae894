// The platform's HTTP API as the console calls it: JSON in and out, the session's JWT, and
// errors as ApiError with the server's sentence (both APIs answer `{error}` on a 4xx).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let token: string | undefined;
/** Called on 401 (an expired or revoked session): the app signs out. */
let onUnauthorized: () => void = () => undefined;

export function setSessionToken(t: string | undefined, unauthorized?: () => void): void {
  token = t;
  if (unauthorized) onUnauthorized = unauthorized;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Sent as is (a File or Blob upload), not as JSON. */
  raw?: Blob;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (opts.raw) {
    payload = opts.raw;
    headers['content-type'] = opts.raw.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: payload, signal: opts.signal });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && token) onUnauthorized();
    const sentence =
      json && typeof json === 'object' && 'error' in json && typeof json.error === 'string'
        ? json.error
        : `The server answered ${res.status}.`;
    throw new ApiError(res.status, sentence);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A media file's bytes as an object URL (media needs the session header, so no plain <img src>). */
export async function mediaUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, `The file could not be loaded (${res.status}).`);
  return URL.createObjectURL(await res.blob());
}

/** A media file's raw bytes (a sealed file in an encrypted chat, opened by the caller). */
export async function mediaBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, `The file could not be loaded (${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}
