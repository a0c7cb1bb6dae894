// A server variant for the A/B benches: `name=root` (a built tree) and optionally `|flags`,
// V8 flags and KEY=VALUE environment, space separated. `root` alone names itself.
import path from 'node:path';

export interface Variant {
  name: string;
  root: string;
  flags: string;
  env: Record<string, string>;
}

/** `a=b=c` → [`a`, `b=c`] (split's limit drops the rest). */
function cut(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export function variant(arg: string): Variant {
  const [head, spec = ''] = cut(arg, '|');
  const [name, rootArg] = head.includes('=') ? cut(head, '=') : [path.basename(head), head];
  const words = spec.split(/\s+/).filter(Boolean);
  const isEnv = (w: string) => /^[A-Z_]+=/.test(w);
  const env = Object.fromEntries(words.filter(isEnv).map((w) => cut(w, '=') as [string, string]));
  const flags = words.filter((w) => !isEnv(w)).join(' ');
  return { name, root: path.resolve(rootArg ?? '.'), flags, env };
}
