/**
 * The server's thread hands validation to the worker and lets go of what only validation
 * needed (NginxLanguageService.releaseValidationState, issue #15: one engine's worth of checks,
 * not two): the trees that carried the rules' caches are built again when a feature asks,
 * and hover, semantic tokens, inlay hints and code actions answer as before.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateScenarioPki } from '../../server/src/pki/examplePki';
import { NginxLanguageService } from '../../server/src/service/languageService';

const REPO = path.resolve(__dirname, '../../..');
const NOW = new Date('2026-07-01T00:00:00Z');

describe('a language service that hands validation over', () => {
  let dir: string;
  let file: string;
  let lines: string[];

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-release-'));
    cpSync(path.join(REPO, 'examples'), path.join(dir, 'examples'), { recursive: true, filter: (src) => !src.includes(`${path.sep}ssl${path.sep}`) || src.endsWith('README.md') });
    generateScenarioPki(path.join(dir, 'examples/etc/nginx/ssl'), new Date('2026-06-01T00:00:00Z'));
    file = path.join(dir, 'examples/etc/nginx/sites-enabled/server-b');
    lines = readFileSync(file, 'utf8').split('\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  function newService(): NginxLanguageService {
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([path.join(dir, 'examples')]);
    service.configure({ inlayHints: { certificateExpiry: true, effectiveDefaults: true } });
    service.openDocument(file, lines.join('\n'));
    return service;
  }

  /** What the editor asks of the server's thread, answered by `service`. */
  async function answers(service: NginxLanguageService): Promise<unknown> {
    const at = (needle: string, shift = 2): { line: number; character: number } => {
      const line = lines.findIndex((l) => l.includes(needle) && !l.trim().startsWith('#'));
      return { line, character: lines[line].indexOf(needle) + shift };
    };
    const header = at('proxy_set_header X-SSL-CERT');
    const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
    return {
      hover: await service.hover(file, at('ssl/client.crt')),
      symbolHover: await service.hover(file, at('proxy_set_header X-SSL-CERT')),
      tokens: await service.semanticTokens(file),
      hints: await service.inlayHints(file, whole),
      quickFixes: await service.codeActions(file, { start: header, end: header }, ['quickfix']),
      fixAll: await service.codeActions(file, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']),
      definition: await service.definition(file, at('proxy_ssl_certificate_key')),
    };
  }

  it('forgets its trees: the next feature that needs one builds it again', async () => {
    const service = newService();
    await service.validate(file);
    const [before] = await service.allTrees();
    assert.equal((await service.allTrees())[0], before, 'an unchanged tree is reused while nothing is released');
    service.releaseValidationState();
    const [rebuilt] = await service.allTrees();
    assert.ok(rebuilt, 'the tree is there again when asked for');
    assert.notEqual(rebuilt, before, 'the tree (and what the rules hung on its nodes) was let go');
    assert.equal(rebuilt.mainFile, before.mainFile);
    assert.deepEqual([...rebuilt.files.keys()], [...before.files.keys()]);
  });

  it('answers hover, semantic tokens, inlay hints, code actions and definitions as a service that never validated', async () => {
    const released = newService();
    await released.validate(file);
    released.releaseValidationState();
    const fresh = newService();
    const expected = await answers(fresh);
    const actual = await answers(released);
    assert.deepEqual(actual, expected);
    const quickFixes = (expected as { quickFixes: { title: string }[] }).quickFixes;
    assert.ok(quickFixes.some((a) => /if/i.test(a.title)), `the lift-out-of-if fix is offered: ${JSON.stringify(quickFixes.map((a) => a.title))}`);
    assert.ok((expected as { hover?: unknown }).hover, 'the certificate path has a hover');
  });

  it('still validates, from scratch, when asked again', async () => {
    const service = newService();
    const first = await service.validate(file);
    service.releaseValidationState();
    const again = await service.validate(file);
    assert.deepEqual(again.diagnostics, first.diagnostics);
  });
});
