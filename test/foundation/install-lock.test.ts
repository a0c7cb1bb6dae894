// `npm ci` on a fresh clone: it refuses a lock that lacks another platform's optional package,
// and warns (EBADENGINE) about any locked package whose engines exclude the Node we support.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { PROJECT_ROOT } from '../../src/infra/paths';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  optionalDependencies?: Record<string, string>;
}
const read = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
const lock = read('package-lock.json') as { packages: Record<string, LockedPackage> };
const manifest = read('package.json') as { engines: { node: string } };

/** The folder npm would resolve `name` to from the package installed at `from`. */
function resolveFrom(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const at = dir.lastIndexOf('node_modules/');
    dir = at <= 0 ? '' : dir.slice(0, at - 1);
  }
}

describe('package-lock.json', () => {
  it("holds every platform's optional packages (npm ci fails on a lock that lacks one)", () => {
    const missing: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!resolveFrom(where, name)) missing.push(`${name} (wanted by ${where || 'the root'})`);
      }
    }
    expect(missing).toEqual([]);
    // The platforms a developer or an image is likely to install on.
    const esbuild = Object.keys(lock.packages).filter((p) =>
      p.startsWith('node_modules/@esbuild/'),
    );
    for (const platform of [
      'linux-x64',
      'linux-arm64',
      'darwin-arm64',
      'darwin-x64',
      'win32-x64',
    ]) {
      expect(esbuild).toContain(`node_modules/@esbuild/${platform}`);
    }
  });

  it('locks nothing whose engines exclude the oldest Node that package.json supports', () => {
    const oldest = semver.minVersion(manifest.engines.node)!.version;
    const current = process.versions.node;
    const excluding = Object.entries(lock.packages)
      .filter(([, pkg]) => !Array.isArray(pkg.engines) && pkg.engines?.node)
      .filter(
        ([, pkg]) =>
          !semver.satisfies(oldest, (pkg.engines as { node: string }).node) ||
          !semver.satisfies(current, (pkg.engines as { node: string }).node),
      )
      .map(([where, pkg]) => `${where}@${pkg.version}: ${(pkg.engines as { node: string }).node}`);
    expect(excluding).toEqual([]);
  });
});
