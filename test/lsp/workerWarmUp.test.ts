/**
 * The validation worker rehearses the first keystrokes' edits on a copy of the document it just
 * checked (node/editPathWarmUp.ts). The rehearsed texts are the edits the checks reuse (comment
 * and argument edits) and end where they began; and whatever arrives while they are checked, the
 * worker's answers are those of the real text.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseFile } from '../../server/src/model/parsedFile';
import { rehearseEdits, warmUpTexts } from '../../server/src/node/editPathWarmUp';
import { argumentOnlyEdit } from '../../server/src/service/argumentEditReuse';
import { commentOnlyEdit } from '../../server/src/service/commentEditReuse';
import { decodeDiagnostics } from '../../server/src/service/encodedDiagnostics';
import { freshDiagnostics, NEEDS_WORKER_BUNDLE, openAndValidate, workerRunnerFixture } from './workerRunnerFixture';

/** A configuration with comments and header/expiry lines, `servers` servers long. */
function config(servers: number, extra = ''): string {
  const blocks = Array.from({ length: servers }, (_, i) => [
    `    # site ${i}`,
    '    server {',
    '        listen 443 ssl;',
    `        server_name s${i}.example.test;`,
    '        ssl_certificate missing.crt;',
    '        ssl_certificate_key missing.key;',
    '        expires 1h;',
    '        location / { proxy_pass https://backend.internal; }',
    '    }',
  ].join('\n'));
  return `events {}\nhttp {\n    # ${extra}\n${blocks.join('\n')}\n}\n`;
}

describe('the worker\'s rehearsed edits', () => {
  it('are comment and argument edits, one character each, and end with the text itself', () => {
    const text = config(30);
    const texts = [...warmUpTexts(text)];
    assert.ok(texts.length >= 20, `${texts.length} texts`);
    assert.equal(texts[texts.length - 1], text);
    let comments = 0;
    let values = 0;
    [text, ...texts].slice(0, -1).forEach((before, i) => {
      const after = texts[i];
      assert.equal(Math.abs(after.length - before.length), 1, `step ${i}`);
      const a = parseFile('/x/nginx.conf', before);
      const b = parseFile('/x/nginx.conf', after);
      if (commentOnlyEdit(a, b)) comments++;
      else if (argumentOnlyEdit(a, b)?.directive === 'expires') values++;
      else assert.fail(`step ${i} is neither a comment edit nor an edit of expires' value`);
    });
    assert.ok(comments >= 20 && values >= 8, `comment edits ${comments}, value edits ${values}`);
  });

  it('are none without a comment line', () => {
    assert.deepEqual([...warmUpTexts('events {}\nhttp { server { listen 80; } }\n')], []);
  });

  it('stop when asked, and leave the document with its latest real text, or closed', async () => {
    const text = config(5);
    const opened: (string | undefined)[] = [];
    let checks = 0;
    const service = {
      openDocument: (_: string, t: string) => { opened.push(t); },
      validateParts: async () => { checks++; },
    };
    const latest = config(5, 'typed meanwhile');
    assert.equal(await rehearseEdits(service, '/x/nginx.conf', text, () => checks >= 3, () => latest), 3);
    assert.equal(opened.length, 4);
    assert.equal(opened[3], latest, 'the real text again');
    opened.length = 0;
    checks = 0;
    assert.equal(await rehearseEdits(service, '/x/nginx.conf', text, () => checks >= 2, () => undefined), 2);
    assert.equal(opened.length, 2, 'a closed document is not opened again');
    // A check that fails ends it, and the real text comes back.
    opened.length = 0;
    const failing = { openDocument: service.openDocument, validateParts: async () => { throw new Error('no'); } };
    assert.equal(await rehearseEdits(failing, '/x/nginx.conf', text, () => false, () => text), 0);
    assert.equal(opened[opened.length - 1], text);
    // Run to the end, the last text checked is the text itself.
    opened.length = 0;
    checks = 0;
    const all = await rehearseEdits(service, '/x/nginx.conf', text, () => false, () => text);
    assert.equal(all, [...warmUpTexts(text)].length);
    assert.equal(opened[all - 1], text);
  });

  it('give the event loop a turn before each check, so that a request that came meanwhile stops them', async () => {
    const text = config(5);
    let checks = 0;
    // Checks that never wait for anything but promises (no disk read): only the rehearsal's own turns let the request in.
    const service = { openDocument: () => undefined, validateParts: async () => { checks++; } };
    let requested = false;
    setImmediate(() => { requested = true; });
    const checked = await rehearseEdits(service, '/x/nginx.conf', text, () => requested, () => text);
    assert.ok([...warmUpTexts(text)].length > 2);
    assert.ok(checked <= 1 && checks <= 1, `${checked} rehearsed checks after a request came`);
  });
});

describe('the worker while it rehearses edits', { skip: NEEDS_WORKER_BUNDLE }, () => {
  const { dir, runner, logs } = workerRunnerFixture('nginx-mtls-warmup-');
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config(40));

  const expected = (content: string): Promise<unknown> => freshDiagnostics(dir, file, content);
  const check = (content: string): Promise<unknown> => openAndValidate(runner, logs, file, content);

  it('answers for the real text, whenever an edit comes', async () => {
    runner.post({ kind: 'configure', raw: {} });
    runner.post({ kind: 'folders', folders: [dir] });
    // The first check starts the rehearsal; the edits below come at once, a turn later, and
    // after a close, each while it may still be under way.
    const first = config(40);
    assert.deepEqual(await check(first), await expected(first));
    // A check without a new text (as after a file changed on disk) is of the real text.
    const again = await runner.validate(file);
    assert.ok(again, logs.join('\n'));
    assert.deepEqual(decodeDiagnostics(again.diagnostics), await expected(first));
    const typed = config(40, 'typed at once');
    assert.deepEqual(await check(typed), await expected(typed));
    await new Promise((resolve) => setImmediate(resolve));
    const later = config(40, 'typed a turn later');
    assert.deepEqual(await check(later), await expected(later));
    runner.post({ kind: 'close', path: file });
    const reopened = config(41);
    assert.deepEqual(await check(reopened), await expected(reopened));
    // The first text again, as the editor would send it: not a rehearsed one.
    assert.deepEqual(await check(first), await expected(first));
  });
});
