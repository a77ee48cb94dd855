/** Guessing the context of a file nothing includes: nested blocks decide between candidates. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { inferContext } from '../../server/src/model/contextInference';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { parseFile } from '../../server/src/model/parsedFile';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';

function infer(text: string): ReturnType<typeof inferContext> {
  return inferContext(parseFile('/virtual/snippet.conf', text), getDirectiveTable(), '1.22.1');
}

describe('inferContext', () => {
  it('reads "if { add_header }" as a location: add_header is refused in an "if" at server level', () => {
    const guess = infer('if ($http_origin) {\n  add_header X-A b;\n}\n');
    assert.equal(guess.context, 'location');
    assert.equal(guess.declared, false);
  });

  it('keeps server for server-only directives and http for directives both accept', () => {
    assert.equal(infer('listen 443 ssl;\nserver_name a.example;\n').context, 'server');
    assert.equal(infer('ssl_certificate a.crt;\nssl_certificate_key a.key;\n').context, 'http');
  });

  it('lists the directives some context accepts, and not one no context accepts where it stands', () => {
    const file = parseFile('/virtual/snippet.conf', 'location /a {\n  upstream b { server c; }\n}\n');
    const guess = inferContext(file, getDirectiveTable(), '1.22.1');
    const [location] = file.syntax.statements;
    const [upstream] = location.block!.statements;
    assert.ok(guess.acceptedSomewhere.has(location));
    assert.ok(!guess.acceptedSomewhere.has(upstream));
  });

  it('takes a declared context as it is', () => {
    const guess = infer('# nginx-mtls-context: server\nif ($a) { add_header X b; }\n');
    assert.deepEqual([guess.context, guess.declared], ['server', true]);
  });

  it('is worked out once per parse and target version by the workspace (check, hover and tokens all ask)', () => {
    const workspace = new WorkspaceAnalysis({ fs: new NodeFileSystem() });
    const text = 'if ($http_origin) {\n  add_header X-A b;\n}\nssl on;\n';
    const file = parseFile('/virtual/snippet.conf', text);
    const first = workspace.inferContext(file);
    assert.equal(workspace.inferContext(file), first);
    assert.deepEqual(first, inferContext(file, workspace.table, workspace.settings.targetVersion));
    // Another parse of the same text, or another target version, is worked out again.
    const again = parseFile('/virtual/snippet.conf', text);
    assert.notEqual(workspace.inferContext(again), first);
    workspace.settings = { ...workspace.settings, targetVersion: '1.22.1' };
    const older = workspace.inferContext(file);
    assert.notEqual(older, first);
    assert.deepEqual(older, inferContext(file, workspace.table, '1.22.1'));
    assert.equal(workspace.inferContext(file), older);
  });
});
