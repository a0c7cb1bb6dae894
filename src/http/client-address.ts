import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/**
 * Who a request comes from, for per-client limits: the address Express trusts (TRUST_PROXY
 * proxies deep), an IPv4-mapped IPv6 address as IPv4, and an IPv6 address as its /64, the
 * block one subscriber is usually given (per address, one host could rotate through 2^64).
 */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  if (!ipaddr.isValid(ip)) return ip || 'unknown';
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/64`).toString()}/64`;
}
