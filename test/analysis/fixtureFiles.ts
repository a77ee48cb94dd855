/** Rule fixtures prepared for tests that change them: a private copy with its test PKI files. */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateKey } from '../../server/src/pki/testPkiGenerator';
import { pki } from '../certificates/fixtures';
import { makeTempDir } from '../differential/nginxHarness';
import { PKI_PASSPHRASE } from '../differential/opensslPki';
import { FIXTURES } from './rules/mtlsRuleHelpers';

/**
 * Files a fixture can ask for with `# test-pki: <names>`: a root and intermediate CA, server
 * and client leaves sent with their intermediate, their keys and an unrelated key. Generated
 * at test time, valid at the analysis clock (NOW).
 */
function fixturePkiFiles(): Record<string, string> {
  const p = pki('rsa');
  const chain = p.intermediate ? p.intermediate.pem : '';
  return {
    'ca.crt': chain + p.ca.pem,
    'server.crt': p.server.pem + chain,
    'server.key': p.server.key.pem,
    'client.crt': p.client.pem + chain,
    'client.key': p.client.key.pem,
    'other.key': generateKey({ keyType: 'rsa' }).pem,
    'server.enc.key': createPrivateKey(p.server.key.pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PKI_PASSPHRASE }) as string,
    'server.pass': `${PKI_PASSPHRASE}\n`,
  };
}

/**
 * A copy of the rule's fixture folder, so the fixed file is checked beside the same
 * neighbours, with the test PKI files the fixture names in a `# test-pki:` comment
 * (certificates are generated at test time, never committed).
 */
export function prepareFixture(code: string, name: string): { dir: string; file: string } {
  const dir = makeTempDir('preferred-fix');
  fs.cpSync(path.join(FIXTURES, code), dir, { recursive: true });
  const file = path.join(dir, name);
  const wanted = /#\s*test-pki:\s*([^\n]+)/.exec(fs.readFileSync(file, 'utf8'))?.[1].trim().split(/\s+/) ?? [];
  if (wanted.length > 0) {
    const files = (pkiFiles ??= fixturePkiFiles());
    for (const pkiFile of wanted) {
      assert.ok(files[pkiFile] !== undefined, `${code}/${name} asks for ${pkiFile}, which the test PKI does not have`);
      // Keys and passphrases private, as nginx expects them (tls.private-key-exposure otherwise).
      fs.writeFileSync(path.join(dir, pkiFile), files[pkiFile], { mode: /\.(?:key|pass)$/.test(pkiFile) ? 0o600 : 0o644 });
    }
  }
  return { dir, file };
}

let pkiFiles: Record<string, string> | undefined;

