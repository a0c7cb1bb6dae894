/**
 * SSRF guard for webhook delivery: bot owners choose the URL, so without this a webhook
 * could make the platform call its own Redis/Postgres, the cloud metadata service
 * (169.254.169.254) or anything else on the private network.
 *
 * Two layers: `checkWebhookUrl` refuses obviously bad URLs when they are set (400), and
 * `createGuardedAgents` checks the address at connection time, for literal IPs and for every
 * DNS answer. Only the connection-time check is a defence: a name can resolve to a public
 * address when set and to 127.0.0.1 later (DNS rebinding), so the address really dialled is
 * the one checked, inside the same lookup the socket connects with.
 *
 * Library choice: ipaddr.js 2.x (maintained, no dependencies, no install scripts, bundled
 * types) for parsing and its RFC special-range table. The agent hook is ours, because:
 *  - request-filtering-agent (built on ipaddr.js too) refuses with an Error that has no
 *    `code`, and its rule is fixed to range() !== 'unicast', which lets IPv4-compatible
 *    `::a.b.c.d` and unallocated IPv6 through and refuses NAT64 `64:ff9b::/96` even when it
 *    embeds a public address (breaking IPv6-only hosts behind DNS64);
 *  - ssrf-req-filter checks after the lookup via the socket's 'lookup' event and throws
 *    synchronously out of http.request() for literal IPs, also without a `code`.
 * The hook itself is small: wrap the socket's `lookup` (Node calls it with `all: true` under
 * happy-eyeballs, so every answer is checked) and refuse literal IPs, which skip lookup.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';

export const SSRF_BLOCKED = 'ERR_SSRF_BLOCKED';
const MAX_URL_LENGTH = 2048;

/** Said after each refusal a setting would lift, so the reader knows which one. */
const ALLOW_PRIVATE_HINT = ' (set WEBHOOK_ALLOW_PRIVATE=true for local development)';
const ALLOW_HTTP_HINT = ' (set WEBHOOK_ALLOW_HTTP=true for local development)';

/**
 * The message reaches the bot owner (webhook attempts, last_error_message), so it names
 * neither the host nor what it resolved to: otherwise the webhook is a DNS oracle for the
 * internal network. The address stays on the error for the platform's own logs.
 */

export class SsrfBlockedError extends Error {
  readonly code = SSRF_BLOCKED;
  constructor(
    readonly address: string,
    readonly host: string,
  ) {
    super(`refusing to connect: the webhook host is not a public address${ALLOW_PRIVATE_HINT}`);
    this.name = 'SsrfBlockedError';
  }
}

// ── classification ────────────────────────────────────────────────────────────────────

/** The only IPv6 block IANA hands out as global unicast; everything else is not a target. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function isPublicV4(addr: ipaddr.IPv4): boolean {
  // ipaddr's table covers 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
  // 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24,
  // 224/4, 240/4, 255.255.255.255 and the AS112/AMT anycast blocks.
  return addr.range() === 'unicast';
}

function v4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that reach an
 * IPv4 host: undefined when it embeds none, null when it embeds one we cannot vouch for.
 */
function embeddedV4(addr: ipaddr.IPv6): ipaddr.IPv4 | null | undefined {
  const p = addr.parts;
  const last = () => v4FromWords(p[6] ?? 0, p[7] ?? 0);
  switch (addr.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d — the kernel dials a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d — SIIT translated
      return last();
    case 'rfc6052': // NAT64: the well-known prefix embeds a.b.c.d; 64:ff9b:1::/48 is local-use
      return addr.match(NAT64_WELL_KNOWN) ? last() : null;
    case '6to4': // 2002:AABB:CCDD::/48 routes to the 6to4 site at A.B.C.D
      return v4FromWords(p[1] ?? 0, p[2] ?? 0);
    case 'teredo': // client address is obfuscated and the path goes through a relay
      return null;
    default:
      // IPv4-compatible ::a.b.c.d (deprecated); also catches :: and ::1 (0.0.0.0, 0.0.0.1).
      return p.slice(0, 6).every((w) => w === 0) ? last() : undefined;
  }
}

function isPublicV6(addr: ipaddr.IPv6): boolean {
  const v4 = embeddedV4(addr);
  if (v4 !== undefined) return v4 !== null && isPublicV4(v4);
  return addr.range() === 'unicast' && addr.match(GLOBAL_UNICAST_V6);
}

/** True only for a textual IPv4/IPv6 address (brackets allowed) that is publicly routable. */
export function isPublicAddress(ip: string): boolean {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // net.isIP accepts only canonical forms; anything else is not an address we can vouch for.
  if (net.isIP(bare) === 0) return false;
  const addr = ipaddr.parse(bare);
  return addr instanceof ipaddr.IPv4 ? isPublicV4(addr) : isPublicV6(addr);
}

// ── set-time validation ───────────────────────────────────────────────────────────────

/** Names that resolve to loopback by definition (RFC 6761), refused without a lookup. */
function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Validates a webhook URL when it is set: an error message for a 400, or null when it is
 * acceptable. The WHATWG parser normalises numeric hosts first, so `https://2130706433/`,
 * `https://0x7f.1/` and `https://[::ffff:127.0.0.1]/` reach the check as 127.0.0.1 forms.
 */
export function checkWebhookUrl(
  url: string,
  opts: { allowHttp: boolean; allowPrivate: boolean },
): string | null {
  if (url.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a valid absolute URL';
  }
  const httpOk = opts.allowHttp && parsed.protocol === 'http:';
  if (parsed.protocol !== 'https:' && !httpOk) {
    return opts.allowHttp ? 'url must use https or http' : `url must use https${ALLOW_HTTP_HINT}`;
  }
  if (parsed.username || parsed.password) return 'url must not contain credentials';
  if (opts.allowPrivate) return null;
  const host = parsed.hostname;
  const isLiteral = net.isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  if (isLiteral && !isPublicAddress(host)) {
    return `url host ${host} is not a public address${ALLOW_PRIVATE_HINT}`;
  }
  if (isLocalhostName(host)) return `url host ${host} is not a public address${ALLOW_PRIVATE_HINT}`;
  return null;
}

// ── connection-time guard ─────────────────────────────────────────────────────────────

type ConnectOptions = http.ClientRequestArgs;
type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** Wraps a resolver so that a host with any non-public answer is refused as a whole. */
function guardedLookup(resolve: net.LookupFunction): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const answers = typeof address === 'string' ? [address] : address.map((a) => a.address);
      const blocked = answers.find((a) => !isPublicAddress(a));
      if (blocked === undefined) return callback(null, address, family);
      callback(new SsrfBlockedError(blocked, hostname), options.all ? [] : '');
    });
  };
}

/** The refusal of a literal address, delivered through the agent's error path. */
function literalRefusal(options: ConnectOptions): SsrfBlockedError | null {
  if (options.socketPath) return new SsrfBlockedError(options.socketPath, options.socketPath);
  const host = (options.host ?? options.hostname ?? '').replace(/^\[|\]$/g, '');
  if (net.isIP(host) === 0 || isPublicAddress(host)) return null;
  return new SsrfBlockedError(host, host);
}

/**
 * Runs `connect` with the guarded lookup, or reports the refusal of a literal IP through
 * the callback, so http.request() emits 'error' instead of throwing synchronously.
 */
function guardedConnect(
  options: ConnectOptions,
  callback: ConnectCallback | undefined,
  connect: (options: ConnectOptions, callback?: ConnectCallback) => Duplex | null | undefined,
): Duplex | null | undefined {
  const refusal = literalRefusal(options);
  if (refusal === null) {
    return connect({ ...options, lookup: guardedLookup(options.lookup ?? dns.lookup) }, callback);
  }
  if (callback) {
    callback(refusal, new net.Socket());
    return undefined;
  }
  return new net.Socket().destroy(refusal);
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: ConnectOptions, callback?: ConnectCallback) {
    return guardedConnect(options, callback, (o, cb) => super.createConnection(o, cb));
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: ConnectCallback) {
    return guardedConnect(options, callback, (o, cb) => super.createConnection(o, cb));
  }
}

/**
 * Agents for webhook delivery. Unless `allowPrivate` (WEBHOOK_ALLOW_PRIVATE=true, for
 * development), every connection is refused with an SsrfBlockedError (code
 * ERR_SSRF_BLOCKED) when its literal address or any DNS answer is not public.
 */
export function createGuardedAgents(opts: {
  allowPrivate: boolean;
  agentOptions?: https.AgentOptions;
}): { http: http.Agent; https: https.Agent } {
  if (opts.allowPrivate) {
    return { http: new http.Agent(opts.agentOptions), https: new https.Agent(opts.agentOptions) };
  }
  return {
    http: new GuardedHttpAgent(opts.agentOptions),
    https: new GuardedHttpsAgent(opts.agentOptions),
  };
}
