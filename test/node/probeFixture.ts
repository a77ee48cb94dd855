/** The setting of the V8 tuning tests: a preload probe and a minimal nginx.conf for the built bins to check. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

/** A temporary folder holding the probe (`source`, for `node --require`) and the config; removed after the test file. */
export function probeFixture(source: string): { probe: string; config: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-probe-'));
  const probe = path.join(work, 'probe.js');
  fs.writeFileSync(probe, source);
  const config = path.join(work, 'nginx.conf');
  fs.writeFileSync(config, 'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n');
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  return { probe, config };
}
