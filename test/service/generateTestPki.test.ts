import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import {
  GENERATE_TEST_PKI_COMMAND,
  generateTestPki,
  parseGenerateTestPkiRequest,
  pkiInsertionText,
  runGenerateTestPkiCommand,
  TEST_PKI_FILE_NAMES,
} from '../../server/src/service/generateTestPki';
import { checkerErrors, describeFindings, mainConfig, nginxSkip, nginxTest, NOW, opensslSkip, tempDir } from './authoringHelpers';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function freshDir(tag: string): string {
  const dir = tempDir(tag);
  dirs.push(dir);
  return dir;
}

function request(folder: string, keyType: 'rsa' | 'ec' = 'ec') {
  return { folder, caName: 'Test mTLS CA', serverHost: 'servera.example.com', clientName: 'client-b', keyType, now: NOW };
}

function openssl(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('generateTestPki', () => {
  it('writes the CA, server, client and chain files; keys 0600, certificates 0644', async () => {
    const folder = path.join(freshDir('pki'), 'ssl');
    const result = await generateTestPki(request(folder));
    assert.deepEqual(result.skipped, []);
    assert.deepEqual([...result.written].sort(), Object.values(TEST_PKI_FILE_NAMES).map((n) => path.join(folder, n)).sort());
    for (const file of result.written) {
      const mode = fs.statSync(file).mode & 0o777;
      assert.equal(mode, file.endsWith('.key') ? 0o600 : 0o644, `${file} has mode ${mode.toString(8)}`);
    }
    assert.equal(result.files.ca, path.join(folder, 'ca.crt'));
    const server = new crypto.X509Certificate(fs.readFileSync(result.files.serverCert));
    assert.equal(server.checkHost('servera.example.com'), 'servera.example.com');
    assert.ok(server.verify(new crypto.X509Certificate(fs.readFileSync(result.files.ca)).publicKey));
    const chain = fs.readFileSync(result.files.chain, 'utf8');
    assert.equal(chain.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.ok(chain.startsWith(fs.readFileSync(result.files.serverCert, 'utf8')), 'the chain starts with the server certificate');
    const key = crypto.createPrivateKey(fs.readFileSync(result.files.clientKey));
    assert.equal(key.asymmetricKeyType, 'ec');
  });

  it('refuses to overwrite: lists the existing files and writes nothing', async () => {
    const folder = freshDir('pki-exists');
    fs.writeFileSync(path.join(folder, 'server.key'), 'precious');
    fs.writeFileSync(path.join(folder, 'ca.crt'), 'precious too');
    await assert.rejects(generateTestPki(request(folder)), (e: Error) => {
      assert.match(e.message, /refusing to overwrite/);
      assert.match(e.message, /ca\.crt/);
      assert.match(e.message, /server\.key/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(folder).sort(), ['ca.crt', 'server.key']);
    assert.equal(fs.readFileSync(path.join(folder, 'server.key'), 'utf8'), 'precious');
  });

  it('validates requests that come over the wire', () => {
    const ok = parseGenerateTestPkiRequest({ folder: '/tmp/x', caName: ' CA ', serverHost: 'API.example.com', clientName: 'c' }, NOW);
    assert.deepEqual(ok, { folder: '/tmp/x', caName: 'CA', serverHost: 'api.example.com', clientName: 'c', keyType: 'rsa', now: NOW });
    assert.equal(parseGenerateTestPkiRequest({ folder: '/tmp/x', caName: 'CA', serverHost: '127.0.0.1', clientName: 'c', keyType: 'ec' }, NOW).serverHost, '127.0.0.1');
    const bad: unknown[] = [
      null,
      { folder: 'relative', caName: 'CA', serverHost: 'a.example', clientName: 'c' },
      { folder: '/tmp/x', caName: '', serverHost: 'a.example', clientName: 'c' },
      { folder: '/tmp/x', caName: 'CA', serverHost: 'bad host;', clientName: 'c' },
      { folder: '/tmp/x', caName: 'CA', serverHost: '*.example.com', clientName: 'c' },
      { folder: '/tmp/x', caName: 'CA\n', serverHost: 'a.example', clientName: 'c\u0000' },
      { folder: '/tmp/x', caName: 'CA', serverHost: 'a.example', clientName: 'c', keyType: 'dsa' },
    ];
    for (const raw of bad) assert.throws(() => parseGenerateTestPkiRequest(raw, NOW), Error, JSON.stringify(raw));
    assert.equal(GENERATE_TEST_PKI_COMMAND, 'nginxMtls.server.generateTestPki');
  });

  it('the command validates its argument, writes the files and renders the blocks', async () => {
    const confDir = freshDir('pki-command');
    const raw = JSON.parse(JSON.stringify({ folder: path.join(confDir, 'tls'), caName: 'Cmd CA', serverHost: 'cmd.example.com', clientName: 'c', keyType: 'ec', now: 'ignored' }));
    const result = await runGenerateTestPkiCommand(raw, { now: NOW, confDir, indentUnit: '  ' });
    assert.equal(result.written.length, Object.keys(TEST_PKI_FILE_NAMES).length);
    assert.match(result.insertion.serverBlock, /^server \{\n  listen 443 ssl;\n  server_name cmd\.example\.com;/);
    assert.match(result.insertion.proxyBlock, /proxy_ssl_trusted_certificate tls\/ca\.crt;/);
    const cert = new crypto.X509Certificate(fs.readFileSync(result.files.serverCert));
    assert.equal(new Date(cert.validFrom).getTime(), NOW.getTime() - 86_400_000, 'the server clock, not the argument, sets validity');
    await assert.rejects(runGenerateTestPkiCommand({ ...raw, folder: 'relative/dir' }, { now: NOW }), /absolute/);
  });

  describe('openssl accepts the generated pair', { skip: opensslSkip }, () => {
    for (const keyType of ['rsa', 'ec'] as const) {
      it(`${keyType}: server for sslserver, client for sslclient, each not for the other`, async () => {
        const folder = freshDir(`pki-openssl-${keyType}`);
        const { files } = await generateTestPki(request(folder, keyType));
        const at = String(Math.floor(NOW.getTime() / 1000));
        const verify = (purpose: string, cert: string) => openssl(['verify', '-attime', at, '-CAfile', files.ca, '-purpose', purpose, cert]);
        const server = verify('sslserver', files.serverCert);
        assert.equal(server.status, 0, server.output);
        assert.match(server.output, /: OK/);
        const client = verify('sslclient', files.clientCert);
        assert.equal(client.status, 0, client.output);
        assert.notEqual(verify('sslclient', files.serverCert).status, 0, 'the server certificate must not be a client certificate');
        assert.notEqual(verify('sslserver', files.clientCert).status, 0, 'the client certificate must not be a server certificate');
      });
    }
  });

  describe('pkiInsertionText', () => {
    it('yields the Server A and Server B blocks with paths relative to the conf dir', async () => {
      const confDir = freshDir('pki-text');
      const { files } = await generateTestPki({ ...request(path.join(confDir, 'ssl')), serverHost: 'servera.example.com' });
      const { serverBlock, proxyBlock } = pkiInsertionText(files, confDir);
      for (const block of [serverBlock, proxyBlock]) assert.deepEqual(parseConfig(block).problems, []);
      assert.match(serverBlock, /^server \{\n\tlisten 443 ssl;\n\tserver_name servera\.example\.com;/);
      assert.match(serverBlock, /\tssl_certificate ssl\/server-fullchain\.crt;/);
      assert.match(serverBlock, /\tssl_client_certificate ssl\/ca\.crt;/);
      assert.match(serverBlock, /\tssl_verify_client on;/);
      assert.match(serverBlock, /proxy_set_header X-Client-Cert \$ssl_client_escaped_cert;/);
      assert.doesNotMatch(serverBlock, /\bif\b|\$ssl_client_cert\b/);
      assert.match(proxyBlock, /proxy_pass https:\/\/servera\.example\.com:443;/);
      assert.match(proxyBlock, /proxy_ssl_certificate ssl\/client\.crt;/);
      assert.match(proxyBlock, /proxy_ssl_certificate_key ssl\/client\.key;/);
      assert.match(proxyBlock, /proxy_ssl_trusted_certificate ssl\/ca\.crt;/);
      assert.match(proxyBlock, /proxy_ssl_verify on;/);
      assert.match(proxyBlock, /proxy_ssl_name servera\.example\.com;/);
      assert.match(proxyBlock, /proxy_ssl_server_name on;/);
      const outside = pkiInsertionText(files, '/somewhere/else', { indentUnit: '  ' });
      assert.match(outside.serverBlock, new RegExp(`\n  ssl_client_certificate ${files.ca.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')};`));
    });

    it('both blocks in one config pass nginx -t and our checks', { skip: nginxSkip }, async () => {
      const confDir = freshDir('pki-nginx');
      const { files } = await generateTestPki(request(path.join(confDir, 'ssl'), 'rsa'));
      const { serverBlock, proxyBlock } = pkiInsertionText(files, confDir, { indentUnit: '    ' });
      const confPath = path.join(confDir, 'nginx.conf');
      fs.writeFileSync(confPath, mainConfig(confDir, `${serverBlock}\n${proxyBlock}`));
      const run = nginxTest(confPath);
      assert.ok(run.ok, `nginx -t failed:\n${run.output}\n--- config ---\n${run.text}`);
      const { errors, all } = await checkerErrors(confPath);
      assert.deepEqual(errors, [], describeFindings(errors));
      const mtlsWarnings = all.filter((f) => f.severity === 'warning' && /^(tls|mtls|proxy)\./.test(f.code));
      assert.deepEqual(mtlsWarnings, [], describeFindings(mtlsWarnings));
    });
  });
});
