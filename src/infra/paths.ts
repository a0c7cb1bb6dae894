import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, found from either src/ (tsx, jest) or dist/src/ (npm start). */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(__dirname);
