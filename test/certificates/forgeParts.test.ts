/**
 * The engine reads DER with node-forge's ASN.1 codec alone: loading the whole library (its index
 * runs every module: ciphers, TLS, PKCS#12…) cost the bundled CLI and language server about 2 MB
 * of memory at start-up. Only generating a test PKI (an explicit command) needs the rest, and
 * loads it then.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const OUT_SERVER = path.resolve(__dirname, '../../server/src');

/** The node-forge modules a fresh process has loaded after requiring `modules` (paths under out/server/src), and after inspecting a certificate. */
function forgeModulesLoadedBy(modules: readonly string[]): string[] {
  const script = [
    `for (const m of ${JSON.stringify(modules.map((m) => path.join(OUT_SERVER, m)))}) require(m);`,
    `const { parseDer } = require(${JSON.stringify(path.join(OUT_SERVER, 'certificates/asn1.js'))});`,
    // A SEQUENCE holding an INTEGER: the parser runs.
    "if (!parseDer(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]))) throw new Error('not parsed');",
    "const loaded = Object.keys(require.cache).filter((k) => k.includes('node-forge')).map((k) => k.slice(k.lastIndexOf('node-forge')));",
    'process.stdout.write(JSON.stringify(loaded.sort()));',
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

const ASN1_PARTS = ['node-forge/lib/asn1.js', 'node-forge/lib/baseN.js', 'node-forge/lib/forge.js', 'node-forge/lib/oids.js', 'node-forge/lib/util.js'];

describe('node-forge parts', () => {
  it('the CLI loads only the ASN.1 codec of node-forge, also once a certificate was read', () => {
    assert.deepEqual(forgeModulesLoadedBy(['cli/main.js']), ASN1_PARTS);
  });

  it('the language server and the validation worker load only the ASN.1 codec of node-forge', () => {
    // server.ts requires the PKI generator (the whole library) inside its command only.
    assert.deepEqual(forgeModulesLoadedBy(['server.js', 'service/languageService.js', 'node/validationWorker.js']), ASN1_PARTS);
  });
});
