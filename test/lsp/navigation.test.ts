/** Navigation and refactoring over stdio: rename (with its refusals), references, highlight, definition on paths. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFile } from '../../server/src/model/parsedFile';
import { SYMBOL_FILES } from '../service/symbolFixture';
import { applyLspEdits, LspTestClient, type LspTextEdit } from './lspClient';

type Json = Record<string, unknown>;
interface Range { start: { line: number; character: number }; end: { line: number; character: number } }

describe('language server: navigation and rename', () => {
  let dir: string;
  let client: LspTestClient;
  const uriOf = (relative: string): string => 'file://' + path.join(dir, relative);
  const app = (): string => uriOf('sites/app.conf');
  /** The position of `needle` in a fixture file, `delta` characters in. */
  function pos(relative: string, needle: string, delta = 1): { line: number; character: number } {
    const text = readFileSync(path.join(dir, relative), 'utf8');
    const offset = text.indexOf(needle);
    assert.ok(offset >= 0, `${needle} not in ${relative}`);
    const lines = text.slice(0, offset + delta).split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  }
  const at = (relative: string, needle: string, delta = 1): Json => ({ textDocument: { uri: uriOf(relative) }, position: pos(relative, needle, delta) });

  let capabilities: Json;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-navigation-'));
    for (const [relative, text] of Object.entries(SYMBOL_FILES(dir))) {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), text);
    }
    client = new LspTestClient();
    capabilities = (await client.initialize(dir)).capabilities as Json;
    await client.openDocument(app(), readFileSync(path.join(dir, 'sites/app.conf'), 'utf8'));
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces rename with prepare, references and document highlight', () => {
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.equal(capabilities.referencesProvider, true);
    assert.equal(capabilities.documentHighlightProvider, true);
  });

  it('refuses to prepare a rename of $host with a message the editor can show', async () => {
    await assert.rejects(client.request('textDocument/prepareRename', at('sites/app.conf', '$host', 2)), /\$host is a built-in nginx variable/);
    const ok = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', at('sites/app.conf', '$Connection_Upgrade', 3));
    assert.equal(ok.placeholder, 'Connection_Upgrade');
  });

  it('lists references of a map variable across files', async () => {
    const refs = await client.request<{ uri: string; range: Range }[]>('textDocument/references', { ...at('sites/app.conf', '$Connection_Upgrade', 3), context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => `${path.relative(dir, new URL(r.uri).pathname)}:${r.range.start.line}`).sort(), ['conf.d/maps.conf:1', 'sites/app.conf:3', 'sites/app.conf:8']);
  });

  it('highlights a named location in the document: its definition as Write, its use as Read', async () => {
    const highlights = await client.request<{ range: Range; kind: number }[]>('textDocument/documentHighlight', at('sites/app.conf', '@fallback;', 2));
    assert.deepEqual(highlights.map((h) => [h.range.start.line, h.kind]), [[12, 2], [14, 3]]);
  });

  it('goes from a certificate path to the certificate file', async () => {
    const locations = await client.request<{ uri: string }[]>('textDocument/definition', at('sites/tls.conf', 'ssl/app.crt', 4));
    assert.deepEqual(locations.map((l) => l.uri), [uriOf('ssl/app.crt')]);
  });

  it('renames a map variable across two files; the edited files parse cleanly', async () => {
    const edit = await client.request<{ changes: Record<string, LspTextEdit[]> }>('textDocument/rename', { ...at('sites/app.conf', '$Connection_Upgrade', 3), newName: 'conn_up' });
    assert.deepEqual(Object.keys(edit.changes).sort(), [uriOf('conf.d/maps.conf'), app()]);
    for (const [uri, edits] of Object.entries(edit.changes)) {
      const filePath = new URL(uri).pathname;
      const renamed = applyLspEdits(readFileSync(filePath, 'utf8'), edits);
      const parsed = parseFile(filePath, renamed);
      assert.deepEqual(parsed.syntax.problems, [], `${filePath} no longer parses`);
      assert.doesNotMatch(renamed, /connection_upgrade/i);
      assert.match(renamed, /conn_up/);
    }
    await assert.rejects(client.request('textDocument/rename', { ...at('sites/app.conf', '$Connection_Upgrade', 3), newName: 'a-b' }), /not a valid variable name/);
  });
});

