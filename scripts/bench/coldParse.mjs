#!/usr/bin/env node
// Our parser alone in a fresh process: reads each file and parses it once (text → syntax tree),
// with V8's default settings, then exits. run.mjs times it as it times the CLI (minus the same
// script's start-up on the tiny config), which shows how much of the full check's cold time a
// process that does nothing but read and parse already takes: the parse below is cold (the first
// pass runs in V8's interpreter and baseline code), where the warm parse is not.
//
//   node coldParse.mjs <files…>   prints { files, statements } (top-level statements) as JSON
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const OUT = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), 'out/server/src');
const { parseConfig } = require(path.join(OUT, 'parser/parser.js'));

const files = process.argv.slice(2);
let statements = 0;
for (const file of files) statements += parseConfig(fs.readFileSync(file, 'utf8')).statements.length;
process.stdout.write(JSON.stringify({ files: files.length, statements }) + '\n');
