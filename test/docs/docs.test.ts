// The README and docs/ stand on their own: every variable config.ts reads is in the
// configuration table, and every link points at a file in this repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/infra/paths';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const pages = [
  'README.md',
  ...readdirSync(path.join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README and docs/', () => {
  it("list every variable config.ts reads in the README's configuration table", () => {
    const config = loadConfig({
      JWT_SECRET: randomBytes(32).toString('base64url'),
      MASTER_KEY: randomBytes(32).toString('base64'),
    });
    const readme = read('README.md');
    const missing = Object.keys(config).filter((name) => !readme.includes(`| \`${name}\``));
    expect(missing).toEqual([]);
  });

  it('link only to files inside the repository, and those exist', () => {
    for (const page of pages) {
      const text = read(page);
      expect({ page, outside: text.match(/\.\.\/shared|\/work\/shared/g) }).toEqual({
        page,
        outside: null,
      });
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const resolved = path.resolve(PROJECT_ROOT, path.dirname(page), target!);
        expect({ page, target, inside: resolved.startsWith(PROJECT_ROOT + path.sep) }).toEqual({
          page,
          target,
          inside: true,
        });
        expect({ page, target, exists: existsSync(resolved) }).toEqual({
          page,
          target,
          exists: true,
        });
      }
    }
  });
});
