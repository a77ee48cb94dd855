/**
 * Private key bytes and passphrases never leave the server: every feature is exercised over
 * stdio on real generated keys (unencrypted, encrypted PKCS#8 and legacy PEM, with right and
 * wrong password files, a key inside a CA bundle, a key where a certificate belongs), with
 * verbose tracing, and ALL raw output (stdout and stderr) is scanned for any base64 line of
 * the key PEMs, the private scalars, and the passphrases.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encryptedPkcs8Pem, generatePki, legacyEncryptedPem } from '../../server/src/pki/testPkiGenerator';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { LspTestClient } from '../lsp/lspClient';

const PASSPHRASE = 'Sup3r-Secret-Passphrase-7f3a9c';
const WRONG_PASSPHRASES = ['wrong-but-still-secret-41d2', 'another-secret-line-88aa'];

const pki = generatePki({ keyType: 'ec', notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 200 * 86_400_000), serverSans: ['DNS:a.example.com'] });

/** What must never be seen: base64 body lines of every key PEM, private scalars, passphrases. */
function secretsOf(pems: string[]): string[] {
  const secrets = new Set<string>([PASSPHRASE, ...WRONG_PASSPHRASES]);
  for (const pem of pems) {
    for (const line of pem.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= 16 && !trimmed.startsWith('-----') && !trimmed.includes(':')) secrets.add(trimmed);
    }
  }
  for (const key of [pki.server.key, pki.client.key, pki.ca.key]) {
    const jwk = createPrivateKey(key.pem).export({ format: 'jwk' }) as { d?: string };
    if (jwk.d) {
      secrets.add(jwk.d);
      secrets.add(Buffer.from(jwk.d, 'base64url').toString('hex'));
      secrets.add(Buffer.from(jwk.d, 'base64url').toString('base64'));
    }
  }
  // An EC key PEM also holds the public point; a line of it may equal a line of the
  // certificate (same bytes, same alignment). Public material is not a secret.
  const publicText = [pki.server.pem, pki.client.pem, pki.ca.pem].map((pem) => `${pem}\n${pem.replace(/-----[^-]+-----|\s/g, '')}`).join('\n');
  return [...secrets].filter((s) => !publicText.includes(s));
}

function leaks(output: string, secrets: readonly string[]): string[] {
  // JSON escapes `/` never, but `+` and `=` survive; search the raw text and its JSON-unescaped form.
  const unescaped = output.replace(/\\n/g, '\n').replace(/\\"/g, '"');
  return secrets.filter((s) => output.includes(s) || unescaped.includes(s));
}

describe('no secret leaves the server', () => {
  let dir: string;
  let configText: string;
  const keyPems: string[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-secrets-'));
    const write = (name: string, data: string | Buffer, mode = 0o600): string => {
      fs.writeFileSync(path.join(dir, name), data, { mode });
      return name;
    };
    const encrypted = encryptedPkcs8Pem(pki.client.key, PASSPHRASE);
    const legacy = legacyEncryptedPem(pki.ca.key, PASSPHRASE);
    keyPems.push(pki.server.key.pem, pki.client.key.pem, pki.ca.key.pem, encrypted, legacy);
    write('server.crt', pki.server.pem, 0o644);
    write('server.key', pki.server.key.pem, 0o644); // readable by others: a finding that names the file, not its bytes
    write('client.crt', pki.client.pem, 0o644);
    write('client-encrypted.key', encrypted);
    write('ca-legacy.key', legacy);
    write('ca.crt', pki.ca.pem, 0o644);
    write('ca-with-key.pem', pki.ca.pem + pki.ca.key.pem);
    write('client.der', createPrivateKey(pki.client.key.pem).export({ type: 'pkcs8', format: 'der' }));
    write('right.pass', `${WRONG_PASSPHRASES[0]}\n${PASSPHRASE}\n`);
    write('wrong.pass', WRONG_PASSPHRASES.join('\n') + '\n');
    configText = [
      'events {}',
      'http {',
      '    server {',
      '        listen 443 ssl;',
      '        server_name a.example.com;',
      '        ssl_certificate server.crt;',
      '        ssl_certificate_key server.key;',
      '        ssl_client_certificate ca-with-key.pem;',
      '        ssl_verify_client on;',
      '        location / {',
      '            proxy_pass https://backend;',
      '            proxy_ssl_certificate client.crt;',
      '            proxy_ssl_certificate_key client-encrypted.key;',
      '            proxy_ssl_password_file right.pass;',
      '            proxy_set_header X-Client-Cert $ssl_client_cert;',
      '        }',
      '        location /wrong {',
      '            proxy_pass https://backend;',
      '            proxy_ssl_certificate client.crt;',
      '            proxy_ssl_certificate_key ca-legacy.key;',
      '            proxy_ssl_password_file wrong.pass;',
      '        }',
      '        location /swapped {',
      '            proxy_pass https://backend;',
      '            proxy_ssl_certificate server.key;',
      '            proxy_ssl_certificate_key client.der;',
      '        }',
      '    }',
      '    server {',
      '        listen 8443 ssl;',
      '        ssl_certificate client-encrypted.key;',
      '        ssl_certificate_key ca-legacy.key;',
      '        ssl_password_file wrong.pass;',
      '    }',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), configText);
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds no key byte, private scalar or passphrase in anything the server writes, with verbose tracing', { timeout: 120_000 }, async () => {
    const secrets = secretsOf(keyPems);
    assert.ok(secrets.length > 20, `only ${secrets.length} secrets to look for`);
    const client = new LspTestClient();
    try {
      client.onServerRequest = (method) => (method === 'workspace/configuration' ? [{ trace: { server: 'verbose' } }] : null);
      await client.initialize(dir);
      client.notify('$/setTrace', { value: 'verbose' });
      const uri = 'file://' + path.join(dir, 'nginx.conf');
      const diagnostics = await client.openDocument(uri, configText);
      assert.ok(diagnostics.length > 3, 'the keys produced findings');
      const lines = configText.split('\n');
      const requests: Promise<unknown>[] = [];
      const swallow = (p: Promise<unknown>): Promise<unknown> => p.catch((e: Error) => e.message);
      for (let line = 0; line < lines.length; line++) {
        const words = [...lines[line].matchAll(/\S+/g)];
        for (const word of words) {
          const position = { line, character: word.index! + 1 };
          const textDocument = { uri };
          requests.push(swallow(client.request('textDocument/hover', { textDocument, position })));
          requests.push(swallow(client.request('textDocument/definition', { textDocument, position })));
          requests.push(swallow(client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } })));
          requests.push(swallow(client.request('textDocument/completion', { textDocument, position: { line, character: word.index! + word[0].length } })));
        }
      }
      const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
      requests.push(swallow(client.request('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics, only: ['quickfix', 'source.fixAll'] } })));
      requests.push(swallow(client.request('textDocument/documentSymbol', { textDocument: { uri } })));
      requests.push(swallow(client.request('textDocument/foldingRange', { textDocument: { uri } })));
      requests.push(swallow(client.request('textDocument/documentLink', { textDocument: { uri } })));
      requests.push(swallow(client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } })));
      requests.push(swallow(client.request('workspace/symbol', { query: '' })));
      for (const name of fs.readdirSync(dir)) {
        requests.push(swallow(client.request('workspace/executeCommand', { command: 'nginxMtls.server.certificateDetails', arguments: [path.join(dir, name)] })));
      }
      const answers = await Promise.all(requests);
      assert.ok(answers.some((a) => JSON.stringify(a ?? '').includes('a.example.com')), 'the hovers described the certificates');
      // An edit and a second validation, so change handling is traced too.
      client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: configText + '# edited\n' }] });
      await client.waitForDiagnostics(uri, 2);
    } finally {
      await client.shutdown();
    }
    assert.ok(client.rawOutput.length > 10_000, 'the server wrote its answers');
    assert.deepEqual(leaks(client.rawOutput, secrets), [], 'secrets in the raw server output');
  });

  it('finds no secret in the service results and the certificate details, in process', async () => {
    const secrets = secretsOf(keyPems);
    const service = new NginxLanguageService();
    service.setWorkspaceFolders([dir]);
    service.configure({});
    const file = path.join(dir, 'nginx.conf');
    const outputs: unknown[] = [await service.validate(file).then((r) => r.diagnostics)];
    for (const name of fs.readdirSync(dir)) outputs.push(await service.certificateDetails(path.join(dir, name)));
    for (const name of fs.readdirSync(dir)) outputs.push(await service.analysis.certificates.inspect(path.join(dir, name), { passphrases: [PASSPHRASE, ...WRONG_PASSPHRASES] }));
    const leaked = outputs.map((o, i) => ({ i, found: leaks(JSON.stringify(o), secrets) })).filter((x) => x.found.length > 0);
    assert.deepEqual(leaked.map((x) => ({ output: x.i === 0 ? 'diagnostics' : JSON.stringify(outputs[x.i]).slice(0, 300), found: x.found })), []);
  });
});
