/**
 * The server checks a made-up configuration once it is initialized and no document is open
 * (server/src/node/engineWarmUp.ts), so that the first real check runs compiled code.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EngineWarmUp, NO_FILES, WARM_UP_CONFIG, WARM_UP_MAIN } from '../../server/src/node/engineWarmUp';
import { NginxLanguageService } from '../../server/src/service/languageService';

describe('engine warm-up', () => {
  it('checks a configuration whose only findings are its missing files: no syntax or context error cuts its rules short', async () => {
    const service = new NginxLanguageService({ fs: NO_FILES });
    service.openDocument(WARM_UP_MAIN, WARM_UP_CONFIG);
    const { diagnostics, analysis } = await service.validate(WARM_UP_MAIN);
    const codes = new Set(diagnostics.map((d) => String(d.code)));
    assert.deepEqual([...codes].sort(), ['nginx.include-not-found', 'tls.file-not-found'], diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
    assert.deepEqual(analysis?.failures ?? [], []);
    // Both documented servers and the stream server name their files: five distinct paths, all missing.
    const missing = new Set(WARM_UP_CONFIG.match(/\/nonexistent-nginx-mtls-warm-up\/[a-z.]+\.(?:crt|key)/g));
    assert.equal(missing.size, 5);
    for (const file of missing) assert.equal(fs.existsSync(file), false, file);
  });

  it('runs once and says how long it took', async () => {
    const warmUp = new EngineWarmUp();
    const ms = await warmUp.run();
    assert.equal(typeof ms, 'number');
    assert.ok((ms as number) >= 0);
    assert.equal(await warmUp.run(), undefined, 'a second run does nothing');
  });

  it('does not start once called off, and stops when called off while it runs', async () => {
    const before = new EngineWarmUp();
    before.cancel();
    assert.equal(await before.run(), undefined);
    const during = new EngineWarmUp();
    const running = during.run();
    during.cancel();
    assert.equal(await running, undefined);
  });

  it('touches the disk only to stat the certificate files it names, which do not exist', async () => {
    const touched: string[] = [];
    const spied = ['statSync', 'lstatSync', 'openSync', 'readdirSync', 'readFileSync'] as const;
    // The module object itself: the server's modules read its functions at each call.
    const disk = require('node:fs') as Record<string, unknown>;
    const originals = spied.map((name) => disk[name]);
    const ours = path.resolve(__dirname, '../..');
    spied.forEach((name, i) => {
      const original = originals[i] as (...args: unknown[]) => unknown;
      disk[name] = (target: unknown, ...rest: unknown[]) => {
        // Modules loaded on first use are this package's own files.
        if (!(typeof target === 'string' && target.startsWith(ours))) touched.push(`${name} ${String(target)}`);
        return original(target, ...rest);
      };
    });
    try {
      assert.equal(typeof (await new EngineWarmUp().run()), 'number');
    } finally {
      spied.forEach((name, i) => { disk[name] = originals[i]; });
    }
    const certificateStats = new Set(WARM_UP_CONFIG.match(/\/nonexistent-nginx-mtls-warm-up\/[a-z.]+\.(?:crt|key)/g)?.map((file) => `statSync ${file}`));
    assert.deepEqual(touched.filter((call) => !certificateStats.has(call)), []);
    assert.ok(touched.length > 0, 'the certificate inspector looked for the files');
  });
});
