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
process.exit(r.status ?? 1);
