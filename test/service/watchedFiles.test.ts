import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentPaths, WATCHED_FILE_GLOBS, coveredByGlobs, literalGlob, watchersFor } from '../../server/src/service/watchedFiles';

const toUri = (p: string): string => `file://${p}`;

describe('watched files', () => {
  it('covers configs and TLS files by name, and extension-less site files by folder', () => {
    for (const p of ['/w/conf.d/a.conf', '/w/ssl/a.crt', '/w/ssl/a.key', '/w/ssl/ca.crl', '/w/nginx.conf', '/w/sites-enabled/default']) assert.ok(coveredByGlobs(p), p);
    for (const p of ['/w/tls/fullchain', '/w/passwords', '/w/snippets/ssl-params']) assert.ok(!coveredByGlobs(p), p);
  });

  it('watches exact files outside the workspace or not covered by a glob, and nothing else', () => {
    const watchers = watchersFor(['/w/ssl/a.crt', '/w/tls/fullchain', '/etc/letsencrypt/live/x/fullchain.pem', 'relative.pem', '/\0unsaved/Untitled-1'], ['/w'], true, toUri);
    assert.deepEqual(watchers.slice(0, WATCHED_FILE_GLOBS.length).map((w) => w.globPattern), WATCHED_FILE_GLOBS);
    assert.deepEqual(watchers.slice(WATCHED_FILE_GLOBS.length).map((w) => w.globPattern), [
      { baseUri: 'file:///etc/letsencrypt/live/x', pattern: 'fullchain.pem' },
      { baseUri: 'file:///w/tls', pattern: 'fullchain' },
    ]);
  });

  it('uses absolute glob strings for clients without relative patterns, with glob characters taken literally', () => {
    const watchers = watchersFor(['/etc/ssl/[a]{b}*?.pem'], [], false, toUri);
    assert.equal(watchers.at(-1)?.globPattern, '/etc/ssl/[[]a[]][{]b[}][*][?].pem');
    assert.equal(literalGlob('plain.pem'), 'plain.pem');
  });

  it('keeps the most recent paths only', () => {
    const recent = new RecentPaths(2);
    for (const p of ['/a', '/b', '/a', '/c']) recent.add(p);
    assert.deepEqual(recent.list(), ['/a', '/c']);
  });
});
