/** Inlay hints (issue #14): certificate expiry and the TLS defaults a block relies on. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePki, type GeneratedPki } from '../../server/src/pki/testPkiGenerator';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { expiryHint } from '../../server/src/service/inlayHints';
import { tempDir } from './authoringHelpers';

const DAY = 86_400_000;
const NOT_AFTER = new Date('2026-01-01T00:00:00Z');
/** 12 days and a few hours before the leaf certificates expire. */
const NOW = new Date(NOT_AFTER.getTime() - 12 * DAY - 5 * 3_600_000);

const ALL_LINES = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

describe('inlay hints', () => {
  let dir: string;
  let pki: GeneratedPki;

  before(() => {
    dir = tempDir('inlay');
    pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: NOT_AFTER, intermediate: false });
    fs.mkdirSync(path.join(dir, 'ssl'));
    fs.writeFileSync(path.join(dir, 'ssl', 'server.crt'), pki.server.pem);
    fs.writeFileSync(path.join(dir, 'ssl', 'ca.crt'), pki.ca.pem);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The hints of `text` written as `name` in the temp dir, as `label @ line:character` strings. */
  async function hintsOf(name: string, text: string, settings: Record<string, unknown> = {}, version = '1.22.1'): Promise<string[]> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([dir]);
    service.configure({ targetVersion: version, ...settings });
    const hints = await service.inlayHints(file, ALL_LINES);
    return hints.map((h) => `${String(h.label)} @ ${h.position.line}:${h.position.character}`);
  }

  const main = (serverBody: string[], httpExtra: string[] = []): string => [
    'events {}',
    'http {',
    ...httpExtra,
    '  server {',
    ...serverBody,
    '  }',
    '}',
    '',
  ].join('\n');

  it('says when a certificate expires within the warning window, and stays quiet otherwise', async () => {
    const text = main(['    ssl_certificate ssl/server.crt;', '    ssl_client_certificate ssl/ca.crt;', '    ssl_verify_client on;']);
    const hints = await hintsOf('nginx.conf', text, { inlayHints: { effectiveDefaults: false } });
    // Line 3 ends at character 34, after the path; the CA (valid a year longer) gets nothing.
    assert.deepEqual(hints, ['expires in 12 days @ 3:34']);
    assert.deepEqual(await hintsOf('nginx.conf', text, { inlayHints: { effectiveDefaults: false }, certificateExpiryWarningDays: 10 }), []);
    assert.deepEqual(await hintsOf('nginx.conf', text, { inlayHints: { effectiveDefaults: false, certificateExpiry: false } }), []);
  });

  it('words expired, today and chain positions plainly', () => {
    const cert = (index: number, notAfter: string, cn: string) => ({
      index, notAfter, notBefore: '2024-01-01T00:00:00Z', subject: `CN=${cn}`, subjectCommonName: cn,
    }) as Parameters<typeof expiryHint>[0][number];
    const options = { now: NOW, expiryWarningDays: 30 };
    assert.equal(expiryHint([cert(0, new Date(NOW.getTime() - 3.5 * DAY).toISOString(), 'leaf')], 'certificate', options)?.label, 'expired 3 days ago');
    assert.equal(expiryHint([cert(0, new Date(NOW.getTime() + 3_600_000).toISOString(), 'leaf')], 'certificate', options)?.label, 'expires today');
    // The intermediate expires first: it is named.
    const chain = [cert(0, '2027-01-01T00:00:00Z', 'leaf'), cert(1, new Date(NOW.getTime() + 1.5 * DAY).toISOString(), 'Issuing CA')];
    assert.equal(expiryHint(chain, 'certificate', options)?.label, 'Issuing CA: expires in 1 day');
    assert.equal(expiryHint([cert(0, '2027-01-01T00:00:00Z', 'leaf')], 'certificate', options), undefined);
  });

  it('shows proxy_ssl_verify off (default) after a TLS proxy_pass that relies on it', async () => {
    const text = main([
      '    location /a/ { proxy_pass https://backend.example.com; }',
      '    location /b/ { proxy_pass http://backend.example.com; }',
      '    location /c/ { proxy_pass https://backend.example.com; proxy_ssl_verify on; }',
    ]);
    const hints = await hintsOf('nginx.conf', text, { inlayHints: { certificateExpiry: false } });
    assert.deepEqual(hints, [
      'proxy_ssl_verify off (default) @ 3:58',
      'proxy_ssl_server_name off (default) @ 5:58',
    ]);
  });

  it('answers for the requested lines only', async () => {
    const text = main(['    ssl_certificate ssl/server.crt;', '    location /a/ { proxy_pass https://backend.example.com; }']);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, text);
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([dir]);
    service.configure({ targetVersion: '1.22.1' });
    const labels = async (line: number): Promise<string[]> =>
      (await service.inlayHints(file, { start: { line, character: 0 }, end: { line: line + 1, character: 0 } })).map((h) => String(h.label));
    assert.deepEqual(await labels(3), ['expires in 12 days']);
    assert.deepEqual(await labels(4), ['proxy_ssl_verify off (default)']);
    assert.deepEqual(await labels(0), []);
  });

  it('never claims a default an enclosing block sets', async () => {
    const text = main(['    location /a/ { proxy_pass https://backend.example.com; }'], ['  proxy_ssl_verify on;', '  proxy_ssl_server_name on;']);
    assert.deepEqual(await hintsOf('nginx.conf', text, { inlayHints: { certificateExpiry: false } }), []);
  });

  it('says nothing in a snippet checked on its own: what includes it may set the value', async () => {
    const snippet = 'location /a/ {\n    proxy_pass https://backend.example.com;\n}\n';
    assert.deepEqual(await hintsOf('snippet-location.conf', snippet, { inlayHints: { certificateExpiry: false } }), []);
  });

  it('shows ssl_verify_client off (default) where client CAs are named but never asked for, and the version\'s ssl_protocols', async () => {
    const text = main(['    listen 443 ssl;', '    ssl_certificate ssl/server.crt;', '    ssl_client_certificate ssl/ca.crt;']);
    assert.deepEqual(await hintsOf('nginx.conf', text, { inlayHints: { certificateExpiry: false } }), [
      'ssl_protocols TLSv1 TLSv1.1 TLSv1.2 (default in nginx 1.22.1) @ 3:19',
      'ssl_verify_client off (default) @ 5:38',
    ]);
    const newer = await hintsOf('nginx.conf', text, { inlayHints: { certificateExpiry: false } }, '1.30.0');
    assert.ok(newer.includes('ssl_protocols TLSv1.2 TLSv1.3 (default in nginx 1.30.0) @ 3:19'), newer.join('\n'));
  });

  it('gives a line of a file included twice a hint only when both readings agree', async () => {
    fs.writeFileSync(path.join(dir, 'proxy.inc'), '    proxy_pass https://backend.example.com;\n');
    const text = main([
      '    location /a/ { include proxy.inc; }',
      '    location /b/ { proxy_ssl_verify on; proxy_ssl_server_name on; include proxy.inc; }',
    ]);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), text);
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([dir]);
    service.configure({ targetVersion: '1.22.1', inlayHints: { certificateExpiry: false } });
    assert.deepEqual(await service.inlayHints(path.join(dir, 'proxy.inc'), ALL_LINES), []);
    fs.rmSync(path.join(dir, 'proxy.inc'));
  });
});
