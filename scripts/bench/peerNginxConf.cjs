// Peer runner for the `nginx-conf` npm package: parses every file given (it does not follow
// includes, so the benchmark passes all files of a tree) and prints the parse time as JSON.
const fs = require('node:fs');
const { NginxParser } = require('nginx-conf');

const files = process.argv.slice(2);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const started = performance.now();
let errors = 0;
for (const text of texts) {
  new NginxParser().parse(text, (err) => { if (err) errors++; });
}
const parseMs = performance.now() - started;
process.stdout.write(JSON.stringify({ files: files.length, errors, parseMs }) + '\n');
