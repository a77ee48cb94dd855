import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { parseFile } from '../../server/src/model/parsedFile';
import { CONFIG_SNIPPETS } from '../../server/src/service/snippetCompletion';
import { expandSnippetText } from '../snippets/expandSnippet';
import { completeAt, item, table } from './completionHelpers';

const snippetLabels = (items: { label: string; kind?: number }[]): string[] => items.filter((i) => i.kind === CompletionItemKind.Snippet).map((i) => i.label).sort();

describe('completion: configuration snippets only where they are valid', () => {
  it('offers server blocks in http, not inside a server', async () => {
    const inHttp = snippetLabels((await completeAt('http {\n  |\n}\n')).items);
    assert.ok(inHttp.includes('mtls-server'));
    assert.ok(inHttp.includes('server'));
    assert.ok(!inHttp.includes('location'), 'location snippet offered in http');
    const inServer = snippetLabels((await completeAt('http {\n  server {\n    mt|\n  }\n}\n')).items);
    assert.ok(!inServer.includes('mtls-server'), 'server snippet offered inside a server');
    assert.ok(!inServer.includes('server'));
    assert.ok(inServer.includes('mtls-proxy-location'));
    assert.ok(inServer.includes('if'));
    assert.deepEqual(snippetLabels((await completeAt('|\n')).items), [], 'snippets offered at the top level');
    assert.deepEqual(snippetLabels((await completeAt('http {\n  map $a $b {\n    |\n  }\n}\n')).items), []);
  });

  it('inserts the snippet body in snippet format, replacing the typed prefix', async () => {
    const { items } = await completeAt('http {\n  mtls-s|\n}\n');
    const snippet = items.find((i) => i.label === 'mtls-server' && i.kind === CompletionItemKind.Snippet);
    assert.ok(snippet);
    assert.equal(snippet.insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(snippet.textEdit && 'range' in snippet.textEdit ? snippet.textEdit.range : undefined, { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } });
    assert.match(snippet.textEdit?.newText ?? '', /^server \{\n\tlisten \$\{1:443\} ssl;/);
    assert.ok(snippet.detail && snippet.documentation, 'needs a title and documentation');
    assert.ok(item(items, 'map'));
  });

  it('declares contexts in which every top-level directive of the snippet is allowed', () => {
    for (const snippet of CONFIG_SNIPPETS) {
      assert.ok(snippet.contexts.length > 0, `${snippet.title} declares no context`);
      const parsed = parseFile('/snippet.conf', expandSnippetText(snippet.body.join('\n')));
      for (const context of snippet.contexts) {
        for (const directive of parsed.syntax.statements) {
          assert.ok(table.isAllowedIn(directive.name, context), `${snippet.title}: ${directive.name} is not allowed in ${context}`);
        }
      }
    }
  });
});
