// Writes the test PKI the example configs name (examples/etc/nginx/ssl/): a CA, a server
// certificate for serverA.example.com, a client certificate, the scenario's DER mistake,
// an unrelated key. Existing files are kept, so running it again changes nothing.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { generateScenarioPki } = require(path.join(root, 'out/server/src/pki/examplePki.js'));

const dir = path.join(root, 'examples/etc/nginx/ssl');
const result = generateScenarioPki(dir, new Date());
const written = result.written ?? [];
if (written.length > 0) process.stderr.write(`generated test PKI in ${path.relative(process.cwd(), dir)}: ${written.map((f) => path.basename(f.path ?? f)).join(', ')}\n`);
for (const note of result.notes ?? []) process.stderr.write(`note: ${note}\n`);
