import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFile } from '../../server/src/model/parsedFile';
import { completionNames } from '../../server/src/service/completionNames';
import { table } from './completionHelpers';

describe('completionNames', () => {
  it('sorts upstreams into http and stream by the context they stand in, across files', () => {
    const main = parseFile('/etc/nginx/nginx.conf', 'http { upstream web { server a; } include sites/*.conf; }\nstream { upstream tcp_pool { server b:22; } include streams/*.conf; }\n');
    const site = parseFile('/etc/nginx/sites/a.conf', 'upstream site_pool { server c; }\nserver { location @fallback { return 404; } }\n');
    const streams = parseFile('/etc/nginx/streams/b.conf', 'upstream db_pool { server d:5432; }\n');
    const lone = parseFile('/etc/nginx/lone.conf', 'upstream anywhere { server e; }\n');
    const names = completionNames([
      { parsed: main, contexts: ['main'] },
      { parsed: site, contexts: ['http'] },
      { parsed: streams, contexts: ['stream'] },
      { parsed: lone, contexts: ['unknown'] },
    ], table);
    assert.deepEqual(names.httpUpstreams, ['anywhere', 'site_pool', 'web']);
    assert.deepEqual(names.streamUpstreams, ['anywhere', 'db_pool', 'tcp_pool']);
    assert.deepEqual(names.namedLocations, ['@fallback']);
  });

  it('reads each file once even when it is listed twice', () => {
    const file = parseFile('/x.conf', 'upstream u { server a; }');
    const names = completionNames([{ parsed: file, contexts: ['http'] }, { parsed: file, contexts: ['stream'] }], table);
    assert.deepEqual(names.streamUpstreams, []);
  });
});
