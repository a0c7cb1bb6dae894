#!/usr/bin/env node
// `prisma generate` offline. Generation itself runs on Wasm, but the CLI insists on locating
// a native schema engine first and would try to download one (this machine reaches only the
// npm registry). Any existing file satisfies that check; the engine is never executed.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';
const cli = path.join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js');
const r = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
if (r.status === 0) readWasmAsFile();
process.exit(r.status ?? 1);

// The client imports its query compiler as a module exporting a 2.3 MB base64 string, and the
// module loader keeps that module (its source text and the string: 4.6 MB of heap) for the
// life of the process. Read the same file as text instead, so both are garbage once compiled.
function readWasmAsFile() {
  const fs = require('node:fs');
  const file = path.join(__dirname, '..', 'src', 'generated', 'prisma', 'internal', 'class.ts');
  const text = fs.readFileSync(file, 'utf8');
  const imported =
    /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.]+\.wasm-base64\.js)"\)/;
  const m = imported.exec(text);
  if (!m) {
    console.error('prisma-generate: the query compiler import was not found in ' + file);
    process.exit(1);
  }
  const read =
    "const { readFileSync } = await import('node:fs')\n" +
    '    // "const wasm = \\"<base64>\\"; module.exports = ...": the text between the quotes.\n' +
    `    const source = readFileSync(require.resolve(${JSON.stringify(m[1])}), 'latin1')\n` +
    "    const wasm = source.slice(source.indexOf('\"') + 1, source.lastIndexOf('\"'))";
  fs.writeFileSync(file, text.replace(imported, read));
}
