// A bounded HTTP call for tests against real processes: never throws, never hangs. A network
// error or a timeout comes back as status 0 with `error`, so loops can count outcomes.

export interface CallResult {
  status: number;
  /** Parsed JSON when the body is JSON, else the raw text. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  contentType: string;
  ms: number;
  error?: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function call(
  base: string,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<CallResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const signals = [AbortSignal.timeout(o.timeoutMs ?? 10000)];
  if (o.signal) signals.push(o.signal);
  try {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(o.body !== undefined && { 'content-type': 'application/json' }),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.any(signals),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (contentType.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    return { status: res.status, body, contentType, ms: ms() };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return {
      status: 0,
      body: undefined,
      contentType: '',
      ms: ms(),
      error: `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`,
    };
  }
}

/** `call` that throws unless the status is `expected` (setup steps). */
export async function expectCall(
  expected: number,
  base: string,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<CallResult> {
  const r = await call(base, method, path, o);
  if (r.status !== expected) {
    throw new Error(
      `${method} ${path}: expected ${expected}, got ${r.status} ${r.error ?? JSON.stringify(r.body)}`,
    );
  }
  return r;
}
