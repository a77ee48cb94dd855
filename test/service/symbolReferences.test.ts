/**
 * User symbols across included files: definition, references, rename, highlight and hover
 * of `map`/`geo`/`set` variables, upstreams and named locations, on a configuration that
 * nginx accepts before and after each rename (checked with the real `nginx -t`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentHighlightKind, type Position, type WorkspaceEdit } from 'vscode-languageserver-types';
import { NginxLanguageService, uriToPath } from '../../server/src/service/languageService';
import { applyLspEdits } from '../lsp/lspClient';
import { nginxSkip, tempDir } from './authoringHelpers';
import { SYMBOL_FILES, STREAM_MODULE } from './symbolFixture';

function nginxT(dir: string): { ok: boolean; output: string } {
  const r = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir + '/', '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0 && /test is successful/.test(output), output };
}

describe('user symbols across included files', () => {
  let dir: string;
  let service: NginxLanguageService;

  /** Writes the fixture afresh (renames change it) and forgets earlier parses. */
  function reset(): void {
    rmSync(dir, { recursive: true, force: true });
    for (const [relative, text] of Object.entries(SYMBOL_FILES(dir))) {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), text);
    }
    service = new NginxLanguageService();
    service.setWorkspaceFolders([dir]);
    service.configure({});
  }

  before(() => {
    dir = tempDir('symbols');
    reset();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (relative: string): string => path.join(dir, relative);
  /** The position of the `nth` occurrence of `needle` in a fixture file, plus `delta` characters. */
  function pos(relative: string, needle: string, delta = 1, nth = 0): Position {
    const text = readFileSync(file(relative), 'utf8');
    let offset = -1;
    for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
    assert.ok(offset >= 0, `${needle} not in ${relative}`);
    const before = text.slice(0, offset + delta).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  }
  const where = (l: { uri: string; range: { start: Position } }): string => `${path.relative(dir, uriToPath(l.uri)!)}:${l.range.start.line}:${l.range.start.character}`;

  /** After a rename: the real nginx still loads the configuration (when it is installed). */
  function assertNginxAccepts(): void {
    if (nginxSkip || !existsSync(STREAM_MODULE)) return;
    const result = nginxT(dir);
    assert.ok(result.ok, result.output);
  }

  function apply(edit: WorkspaceEdit): void {
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      const target = uriToPath(uri)!;
      writeFileSync(target, applyLspEdits(readFileSync(target, 'utf8'), edits));
    }
  }

  it('the fixture is a configuration nginx accepts', { skip: nginxSkip || (!existsSync(STREAM_MODULE) && `${STREAM_MODULE} not found`) }, () => {
    assertNginxAccepts();
  });

  it('goes from a map variable used in another file to its map block', async () => {
    const locations = await service.definition(file('sites/app.conf'), pos('sites/app.conf', '$Connection_Upgrade', 3));
    assert.deepEqual(locations.map(where), ['conf.d/maps.conf:1:0']);
    assert.equal(locations[0].range.end.line, 4, 'the whole map block');
    const fromBraces = await service.definition(file('sites/app.conf'), pos('sites/app.conf', '${connection_upgrade}', 4));
    assert.deepEqual(fromBraces.map(where), ['conf.d/maps.conf:1:0']);
    const geo = await service.definition(file('sites/app.conf'), pos('sites/app.conf', '$is_internal', 2));
    assert.deepEqual(geo.map(where), ['conf.d/maps.conf:5:0']);
  });

  it('lists the references of a variable in its own module only (http, not stream), whatever the case', async () => {
    const refs = await service.references(file('conf.d/maps.conf'), pos('conf.d/maps.conf', '$connection_upgrade', 2), true);
    assert.deepEqual(refs.map(where).sort(), ['conf.d/maps.conf:1:18', 'sites/app.conf:3:17', 'sites/app.conf:8:36']);
    const uses = await service.references(file('conf.d/maps.conf'), pos('conf.d/maps.conf', '$connection_upgrade', 2), false);
    assert.equal(uses.length, 2);
  });

  it('goes to the named location of the same server, and lists references per server', async () => {
    const def = await service.definition(file('sites/app.conf'), pos('sites/app.conf', '@fallback;', 2));
    assert.deepEqual(def.map(where), ['sites/app.conf:14:4']);
    const second = await service.references(file('sites/app.conf'), pos('sites/app.conf', '@fallback;', 2, 1), true);
    assert.deepEqual(second.map(where), ['sites/app.conf:22:19', 'sites/app.conf:23:13']);
  });

  it('goes from a certificate path and an include to the files they name', async () => {
    const cert = await service.definition(file('sites/tls.conf'), pos('sites/tls.conf', 'ssl/app.crt', 3));
    assert.deepEqual(cert.map((l) => uriToPath(l.uri)), [file('ssl/app.crt')]);
    const key = await service.definition(file('sites/tls.conf'), pos('sites/tls.conf', 'ssl/app.key', 3));
    assert.deepEqual(key.map((l) => uriToPath(l.uri)), [file('ssl/app.key')]);
    const none = await service.definition(file('sites/tls.conf'), pos('sites/tls.conf', '18443', 2));
    assert.deepEqual(none, [], 'a listen address names no file');
    const include = await service.definition(file('nginx.conf'), pos('nginx.conf', 'conf.d/*.conf', 2));
    assert.deepEqual(include.map((l) => uriToPath(l.uri)), [file('conf.d/maps.conf')]);
  });

  it('follows each keystroke typed in an open document (the index of a tree is kept until the tree changes)', async () => {
    const maps = file('conf.d/maps.conf');
    const original = readFileSync(maps, 'utf8');
    const from = pos('sites/app.conf', '$Connection_Upgrade', 3);
    const definition = async (): Promise<string[]> => (await service.definition(file('sites/app.conf'), from)).map(where);
    try {
      assert.deepEqual(await definition(), ['conf.d/maps.conf:1:0']);
      // Asked again of the same tree: the same answer.
      assert.deepEqual(await definition(), ['conf.d/maps.conf:1:0']);
      // Lines typed above the map move it; the variable renamed in its block is no longer
      // defined there (only the stream block's map of that name is left); typed back, it is found again.
      service.openDocument(maps, `# a\n# b\n${original}`);
      assert.deepEqual(await definition(), ['conf.d/maps.conf:3:0']);
      const renamed = original.replace('$connection_upgrade {', '$connection_upgradeX {');
      assert.notEqual(renamed, original);
      service.openDocument(maps, renamed);
      assert.deepEqual(await definition(), ['nginx.conf:16:4']);
      service.openDocument(maps, original);
      assert.deepEqual(await definition(), ['conf.d/maps.conf:1:0']);
    } finally {
      service.closeDocument(maps);
    }
  });

  it('highlights a variable in the document: Write for the definition, Read for uses', async () => {
    const highlights = await service.documentHighlights(file('sites/app.conf'), pos('sites/app.conf', "'$target'", 3));
    assert.deepEqual(highlights.map((h) => [h.range.start.line, h.range.start.character, h.kind]), [
      [3, 8, DocumentHighlightKind.Write],
      [9, 35, DocumentHighlightKind.Read],
    ]);
  });

  it('hovers a user variable with where and how it is defined', async () => {
    const hover = await service.hover(file('sites/app.conf'), pos('sites/app.conf', '$Connection_Upgrade', 3));
    const text = JSON.stringify(hover?.contents);
    assert.match(text, /map \$http_upgrade \$connection_upgrade` — defined in conf\.d\/maps\.conf:2/);
    assert.match(text, /default upgrade;/);
    assert.match(text, /Used 2 times in 1 file/);
    const builtIn = await service.hover(file('sites/app.conf'), pos('sites/app.conf', '$uri', 2));
    assert.doesNotMatch(JSON.stringify(builtIn?.contents), /defined in/, 'built-ins keep their documentation hover');
  });

  it('refuses to rename built-in variables, directive names and what is defined nowhere', async () => {
    const refusal = async (needle: string, delta = 2): Promise<string> => {
      const result = await service.prepareRename(file('sites/app.conf'), pos('sites/app.conf', needle, delta));
      assert.ok('error' in result, `${needle} was offered for rename`);
      return result.error;
    };
    assert.match(await refusal('$uri'), /\$uri is a built-in nginx variable/);
    assert.match(await refusal('$host'), /\$host is a built-in nginx variable/);
    assert.match(await refusal('$sub', 2), /not defined by map, geo, set/);
    assert.match(await refusal('proxy_set_header'), /"proxy_set_header" is a directive name/);
    assert.match(await refusal('18080'), /Only upstream names/);
    const ok = await service.prepareRename(file('sites/app.conf'), pos('sites/app.conf', '$Connection_Upgrade', 3));
    assert.deepEqual(ok, { range: { start: { line: 8, character: 37 }, end: { line: 8, character: 55 } }, placeholder: 'Connection_Upgrade' });
  });

  it('refuses invalid, built-in and taken new names', async () => {
    const at = pos('conf.d/maps.conf', '$connection_upgrade', 2);
    const error = async (newName: string): Promise<string> => {
      const result = await service.rename(file('conf.d/maps.conf'), at, newName);
      assert.ok('error' in result, `rename to ${newName} accepted`);
      return result.error;
    };
    assert.match(await error('conn-up'), /not a valid variable name/);
    assert.match(await error('$host'), /\$host is a built-in nginx variable/);
    assert.match(await error('http_conn'), /belong to nginx's built-in \$http_/);
    assert.match(await error('is_internal'), /\$is_internal is already defined/);
    const upstream = await service.rename(file('conf.d/maps.conf'), pos('conf.d/maps.conf', 'backend'), 'http://other');
    assert.ok('error' in upstream && /not a valid upstream name/.test(upstream.error));
  });

  it('renames a map variable in every file of the http block, keeps ${} and leaves the stream one; nginx still accepts it', async () => {
    reset();
    const edit = await service.rename(file('sites/app.conf'), pos('sites/app.conf', '$Connection_Upgrade', 3), '$conn_up');
    assert.ok(!('error' in edit), JSON.stringify(edit));
    assert.deepEqual(Object.keys(edit.changes!).map((u) => path.relative(dir, uriToPath(u)!)).sort(), ['conf.d/maps.conf', 'sites/app.conf']);
    apply(edit);
    assert.match(readFileSync(file('conf.d/maps.conf'), 'utf8'), /map \$http_upgrade \$conn_up \{/);
    const app = readFileSync(file('sites/app.conf'), 'utf8');
    assert.match(app, /set \$target "\$\{conn_up\}-x";/);
    assert.match(app, /Connection \$conn_up;/);
    assert.match(readFileSync(file('nginx.conf'), 'utf8'), /map \$remote_addr \$connection_upgrade/, 'the stream variable is another symbol');
    assertNginxAccepts();
  });

  it('renames an http upstream in its block and every *_pass, not the stream upstream of the same name', async () => {
    reset();
    const edit = await service.rename(file('sites/app.conf'), pos('sites/app.conf', 'http://backend', 9), 'app_backend');
    assert.ok(!('error' in edit), JSON.stringify(edit));
    apply(edit);
    assert.match(readFileSync(file('conf.d/maps.conf'), 'utf8'), /upstream app_backend \{/);
    const app = readFileSync(file('sites/app.conf'), 'utf8');
    assert.match(app, /proxy_pass http:\/\/app_backend;/);
    assert.match(app, /fastcgi_pass app_backend;/);
    assert.match(readFileSync(file('nginx.conf'), 'utf8'), /upstream backend \{[^}]*\}\s*server \{ listen [^;]+; proxy_pass backend; \}/);
    assertNginxAccepts();
  });

  it('renames a named location within its server only', async () => {
    reset();
    const edit = await service.rename(file('sites/app.conf'), pos('sites/app.conf', 'location @fallback', 11), 'backup');
    assert.ok(!('error' in edit), JSON.stringify(edit));
    apply(edit);
    const app = readFileSync(file('sites/app.conf'), 'utf8');
    assert.match(app, /try_files \$uri @backup;/);
    assert.match(app, /location @backup \{\n/);
    assert.match(app, /error_page 404 @fallback;\n\s*location @fallback \{ return 200; \}/, 'the other server keeps its own @fallback');
    assertNginxAccepts();
  });

  it('reads no variable in location or server_name regexes (false positives)', async () => {
    reset();
    const php = await service.references(file('sites/app.conf'), pos('sites/app.conf', '\\.php$', 5), true);
    assert.deepEqual(php, []);
    const serverName = await service.prepareRename(file('sites/app.conf'), pos('sites/app.conf', 'test$;', 4));
    assert.ok('error' in serverName);
  });
});
