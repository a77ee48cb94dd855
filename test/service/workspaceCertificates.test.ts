import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CertificateInspector } from '../../server/src/certificates/certificateInspector';
import { parseFile } from '../../server/src/model/parsedFile';
import { createCertificate, encryptedPkcs8Pem, pemDecode, type GeneratedCertificate } from '../../server/src/pki/testPkiGenerator';
import { generateTestPki } from '../../server/src/service/generateTestPki';
import { InsertActionKinds, insertActions, PLACEHOLDERS } from '../../server/src/service/insertActions';
import { clearCaChoice, clearLeafChoice, findWorkspaceCertificates } from '../../server/src/service/workspaceCertificates';
import { applyAction, NOW, tempDir, toUri } from './authoringHelpers';

const DAY = 86_400_000;
const validity = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 90 * DAY) };

let root = '';
before(() => {
  root = tempDir('wscerts');
});
after(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function folder(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function write(dir: string, name: string, data: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

function ca(name: string): GeneratedCertificate {
  return createCertificate({ subject: `CN=${name}`, keyType: 'ec', isCA: true, ...validity });
}

function client(issuer: GeneratedCertificate, name: string): GeneratedCertificate {
  return createCertificate({ subject: `CN=${name}`, keyType: 'ec', issuer, extendedKeyUsage: ['clientAuth'], ...validity });
}

/** The text "Insert mTLS proxy block" puts into an empty http block with these certificates. */
async function proxyText(dirs: string[], confDir: string): Promise<string> {
  const certificates = await findWorkspaceCertificates(dirs, new CertificateInspector());
  const text = 'http {\n    \n}\n';
  const file = parseFile(path.join(confDir, 'nginx.conf'), text);
  const action = insertActions(file, { start: 11, end: 11 }, { rootContext: 'main', workspaceCertificates: certificates, toUri, confDir })
    .find((a) => a.kind === InsertActionKinds.proxy);
  assert.ok(action);
  return applyAction(text, action, file.path);
}

describe('findWorkspaceCertificates', () => {
  it('classifies a generated PKI and pairs leaves with their keys', async () => {
    const dir = folder('clear');
    await generateTestPki({ folder: path.join(dir, 'ssl'), caName: 'Clear CA', serverHost: 'a.example.com', clientName: 'c', keyType: 'ec', now: NOW });
    const found = await findWorkspaceCertificates([dir], new CertificateInspector());
    const byName = new Map(found.map((c) => [path.basename(c.path), c]));
    assert.equal(byName.get('ca.crt')?.kind, 'ca');
    assert.equal(byName.get('ca.crt')?.subject, 'CN=Clear CA');
    assert.equal(byName.get('server.crt')?.kind, 'server');
    assert.deepEqual(byName.get('server.crt')?.dnsNames, ['a.example.com']);
    assert.equal(byName.get('server.crt')?.matchesKeyOf, path.join(dir, 'ssl', 'server.key'));
    assert.equal(byName.get('server-fullchain.crt')?.kind, 'server');
    assert.equal(byName.get('client.crt')?.kind, 'client');
    assert.equal(byName.get('client.crt')?.matchesKeyOf, path.join(dir, 'ssl', 'client.key'));
    assert.equal(byName.get('client.key')?.kind, 'key');
    assert.equal(byName.get('client.key')?.matchesKeyOf, path.join(dir, 'ssl', 'client.crt'));
    assert.equal(byName.get('ca.key')?.kind, 'key');

    assert.equal(clearCaChoice(found), path.join(dir, 'ssl', 'ca.crt'));
    assert.deepEqual(clearLeafChoice(found, 'client'), { certificate: path.join(dir, 'ssl', 'client.crt'), key: path.join(dir, 'ssl', 'client.key') });
    // One identity in two files: a server sends its full chain.
    assert.deepEqual(clearLeafChoice(found, 'server'), { certificate: path.join(dir, 'ssl', 'server-fullchain.crt'), key: path.join(dir, 'ssl', 'server.key') });

    const text = await proxyText([dir], dir);
    assert.match(text, /proxy_ssl_certificate ssl\/client\.crt;/);
    assert.match(text, /proxy_ssl_certificate_key ssl\/client\.key;/);
    assert.match(text, /proxy_ssl_trusted_certificate ssl\/ca\.crt;/);
    assert.match(text, /proxy_pass https:\/\/a\.example\.com:443;/);
  });

  it('falls back to placeholders when the choice is not clear', async () => {
    const dir = folder('ambiguous');
    await generateTestPki({ folder: path.join(dir, 'one'), caName: 'One CA', serverHost: 'one.example.com', clientName: 'c1', keyType: 'ec', now: NOW });
    await generateTestPki({ folder: path.join(dir, 'two'), caName: 'Two CA', serverHost: 'two.example.com', clientName: 'c2', keyType: 'ec', now: NOW });
    const found = await findWorkspaceCertificates([dir], new CertificateInspector());
    assert.equal(clearCaChoice(found), undefined);
    assert.equal(clearLeafChoice(found, 'client'), undefined);
    assert.equal(clearLeafChoice(found, 'server'), undefined);
    const text = await proxyText([dir], dir);
    assert.ok(text.includes(`proxy_ssl_certificate ${PLACEHOLDERS.clientCertificate};`), text);
    assert.ok(text.includes(`proxy_ssl_certificate_key ${PLACEHOLDERS.clientKey};`), text);
    assert.ok(text.includes(`proxy_ssl_trusted_certificate ${PLACEHOLDERS.ca};`), text);
    assert.ok(text.includes(`proxy_pass https://${PLACEHOLDERS.upstreamHost}:443;`), text);
  });

  it('several CAs: the issuer of the one client certificate decides', async () => {
    const dir = folder('issuer');
    const right = ca('Right CA');
    const wrong = ca('Wrong CA');
    const leaf = client(right, 'only-client');
    write(dir, 'right-ca.crt', right.pem);
    write(dir, 'wrong-ca.crt', wrong.pem);
    write(dir, 'client.crt', leaf.pem);
    write(dir, 'client.key', leaf.key.pem);
    const found = await findWorkspaceCertificates([dir], new CertificateInspector());
    assert.equal(clearCaChoice(found), undefined);
    assert.equal(clearCaChoice(found, ['CN=Right CA']), path.join(dir, 'right-ca.crt'));
    const text = await proxyText([dir], dir);
    assert.match(text, /proxy_ssl_trusted_certificate right-ca\.crt;/);
  });

  it('needs a readable matching key: no key, an encrypted key or a DER certificate is no choice', async () => {
    const dir = folder('unpaired');
    const authority = ca('Unpaired CA');
    const noKey = client(authority, 'no-key');
    const encrypted = client(authority, 'encrypted');
    write(dir, 'ca.crt', authority.pem);
    write(dir, 'no-key.crt', noKey.pem);
    write(dir, 'encrypted.crt', encrypted.pem);
    write(dir, 'encrypted.key', encryptedPkcs8Pem(encrypted.key, 'secret'));
    write(dir, 'der.cer', pemDecode(client(authority, 'der').pem));
    const found = await findWorkspaceCertificates([dir], new CertificateInspector());
    assert.deepEqual(found.map((c) => path.basename(c.path)).sort(), ['ca.crt', 'encrypted.crt', 'no-key.crt']);
    assert.ok(found.every((c) => c.matchesKeyOf === undefined));
    assert.equal(clearLeafChoice(found, 'client'), undefined);
  });

  it('a PEM file with the certificate and its key pairs with itself', async () => {
    const dir = folder('combined');
    const leaf = client(ca('Combined CA'), 'combined');
    const file = write(dir, 'combined.pem', leaf.pem + leaf.key.pem);
    const found = await findWorkspaceCertificates([dir], new CertificateInspector());
    assert.deepEqual(found, [{ path: file, kind: 'client', subject: 'CN=combined', issuer: 'CN=Combined CA', dnsNames: [], matchesKeyOf: file }]);
    assert.deepEqual(clearLeafChoice(found, 'client'), { certificate: file, key: file });
  });

  it('the walk is bounded: depth, file count, and skipped folders', async () => {
    const dir = folder('bounded');
    const authority = ca('Bounded CA');
    write(dir, 'node_modules/pkg/ca.crt', authority.pem);
    write(dir, '.git/ca.crt', authority.pem);
    write(dir, 'a/b/c/deep.crt', authority.pem);
    write(dir, 'top.crt', authority.pem);
    write(dir, 'notes.txt', authority.pem);
    const names = async (limits = {}) => (await findWorkspaceCertificates([dir], new CertificateInspector(), limits)).map((c) => path.relative(dir, c.path));
    assert.deepEqual(await names(), ['top.crt', 'a/b/c/deep.crt']);
    assert.deepEqual(await names({ maxDepth: 2 }), ['top.crt']);
    assert.deepEqual(await names({ maxFiles: 1 }), ['top.crt']);
    assert.deepEqual(await findWorkspaceCertificates([path.join(dir, 'missing')], new CertificateInspector()), []);
  });
});
