/** Hover on the scenario's own certificate paths (examples/): client.crt, ca.crt, server.crt, the DER file. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateScenarioPki } from '../../server/src/pki/examplePki';
import { NginxLanguageService } from '../../server/src/service/languageService';

const REPO = path.resolve(__dirname, '../../..');

describe('hover on the scenario certificates', () => {
  let dir: string;
  let service: NginxLanguageService;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-scenario-hover-'));
    cpSync(path.join(REPO, 'examples'), path.join(dir, 'examples'), { recursive: true, filter: (src) => !src.includes(`${path.sep}ssl${path.sep}`) || src.endsWith('README.md') });
    generateScenarioPki(path.join(dir, 'examples/etc/nginx/ssl'), new Date('2026-06-01T00:00:00Z'));
    service = new NginxLanguageService({ now: () => new Date('2026-07-01T00:00:00Z') });
    service.setWorkspaceFolders([path.join(dir, 'examples')]);
    service.configure({});
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function hoverOn(relative: string, needle: string): Promise<string> {
    const file = path.join(dir, 'examples/etc/nginx', relative);
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle) && !l.trim().startsWith('#'));
    const character = lines[line].indexOf(needle) + 2;
    const hover = await service.hover(file, { line, character });
    assert.ok(hover, `no hover on ${needle}`);
    return (hover.contents as { value: string }).value;
  }

  it('server.crt: subject, SAN, issuer, validity with days left, key, fingerprint', async () => {
    const text = await hoverOn('conf.d/server-a.conf', 'server.crt');
    assert.match(text, /serverA\.example\.com/);
    assert.match(text, /DNS:serverA\.example\.com/);
    assert.match(text, /Example Scenario CA/);
    assert.match(text, /days left/);
    assert.match(text, /RSA 2048/);
    assert.match(text, /serverAuth/);
    assert.match(text, /([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.match(text, /examples\/etc\/nginx\/ssl\/server\.crt/);
    assert.match(text, /matches/i);
  });

  it('ca.crt: a CA bundle with its subjects', async () => {
    const text = await hoverOn('conf.d/server-a.conf', 'ca.crt');
    assert.match(text, /Example Scenario CA/);
    assert.match(text, /CA:TRUE/);
  });

  it('client.crt: the client certificate with clientAuth', async () => {
    const text = await hoverOn('sites-enabled/server-b', 'ssl/client.crt');
    assert.match(text, /CN=client1/);
    assert.match(text, /clientAuth/);
  });

  it('client.der.crt: says it is DER', async () => {
    const text = await hoverOn('sites-enabled/server-b', 'client.der.crt');
    assert.match(text, /DER/);
  });

  it('other.key: says it does not match the certificate, without key material', async () => {
    const text = await hoverOn('sites-enabled/server-b', 'other.key');
    assert.match(text, /does not match|mismatch|✗/i);
    assert.doesNotMatch(text, /BEGIN|PRIVATE KEY-----/);
  });
});
