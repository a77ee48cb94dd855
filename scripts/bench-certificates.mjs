#!/usr/bin/env node
// Benchmark for the certificate inspector. Needs the compiled out/ folder (npx tsc -p .).
// Generates 200 certificate files into a temp dir, then prints cold and cached inspection
// times for all 200. Targets: cold < 1 s, cached < 20 ms.
//
//   node scripts/bench-certificates.mjs [--files 200] [--keep]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out', 'server', 'src');
if (!fs.existsSync(path.join(out, 'certificates', 'certificateInspector.js'))) {
  console.error('out/ is missing: run `npx tsc -p .` first');
  process.exit(2);
}
const { CertificateInspector, forgetParsedCertificates } = require(path.join(out, 'certificates', 'certificateInspector.js'));
const { createCertificate, generateKey, generatePki } = require(path.join(out, 'pki', 'testPkiGenerator.js'));

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--files') + 1]) > 0 && args.includes('--files') ? Number(args[args.indexOf('--files') + 1]) : 200;
const keep = args.includes('--keep');

const notBefore = new Date('2025-01-01T00:00:00Z');
const notAfter = new Date('2027-01-01T00:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-bench-'));

// --- generate: a mix of RSA/EC/Ed25519 leaves, combined cert+key files and full chains
const t0 = performance.now();
const pkis = {
  rsa: generatePki({ keyType: 'rsa', notBefore, notAfter, intermediate: true }),
  ec: generatePki({ keyType: 'ec', notBefore, notAfter, intermediate: true }),
  ed25519: generatePki({ keyType: 'ed25519', notBefore, notAfter, intermediate: true }),
};
const rsaKeys = [0, 1, 2, 3].map(() => generateKey({ keyType: 'rsa' })); // RSA keygen is slow: reuse a few
const files = [];
for (let i = 0; i < count; i++) {
  const keyType = ['rsa', 'ec', 'ed25519'][i % 3];
  const p = pkis[keyType];
  const key = keyType === 'rsa' ? rsaKeys[i % rsaKeys.length] : generateKey({ keyType });
  const cert = createCertificate({
    subject: `O=Bench, CN=host${i}.example.com`,
    key,
    issuer: p.intermediate,
    notBefore,
    notAfter,
    extendedKeyUsage: ['serverAuth'],
    sans: [`DNS:host${i}.example.com`, `DNS:www.host${i}.example.com`],
  });
  let data;
  switch (i % 4) {
    case 0: data = cert.pem; break; // plain certificate
    case 1: data = cert.pem + p.intermediate.pem; break; // fullchain
    case 2: data = cert.pem + key.pem; break; // combined cert + key
    default: data = cert.pem + p.intermediate.pem + p.ca.pem; // chain with root
  }
  const f = path.join(dir, `cert${String(i).padStart(3, '0')}.pem`);
  fs.writeFileSync(f, data);
  files.push(f);
}
const genMs = performance.now() - t0;

// --- measure
// "first" includes JIT warm-up of the parsing code; later cold runs use a fresh inspector
// (empty cache) in the warmed process. Cached runs re-inspect unchanged files (stat only).
const timeIt = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};
const inspectAll = (ins) => Promise.all(files.map((f) => ins.inspect(f)));
const inspector = new CertificateInspector();
const [firstMs, cold] = await timeIt(() => inspectAll(inspector));
const coldRuns = [];
for (let i = 0; i < 3; i++) {
  // Cold: a fresh inspector, and no certificate parsed before in this process either.
  forgetParsedCertificates();
  coldRuns.push((await timeIt(() => inspectAll(new CertificateInspector())))[0]);
}
const cachedRuns = [];
let warm;
for (let i = 0; i < 7; i++) {
  const [ms, r] = await timeIt(() => inspectAll(inspector));
  cachedRuns.push(ms);
  warm = r;
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const certs = cold.reduce((n, r) => n + r.certificates.length, 0);
const keys = cold.reduce((n, r) => n + r.keys.length, 0);
const errors = cold.filter((r) => r.kind !== 'pem' || r.error).length;
const allCached = warm.every((r, i) => r === cold[i]);
const coldMs = median(coldRuns);
const cachedMs = median(cachedRuns);

const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
console.log(`files: ${files.length} (${certs} certificates, ${keys} keys, ${errors} with errors), ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
console.log(`generation:                  ${fmt(genMs)}`);
console.log(`cold, first (incl. JIT):     ${fmt(firstMs)}`);
console.log(`cold, median of 3:           ${fmt(coldMs)}   target < 1000 ms  ${coldMs < 1000 ? 'OK' : 'SLOW'}`);
console.log(`cached, median of 7:         ${fmt(cachedMs)}   target <   20 ms  ${cachedMs < 20 ? 'OK' : 'SLOW'}  (min ${cachedRuns.reduce((a, b) => Math.min(a, b)).toFixed(1)} ms)`);
console.log(`cache returned the same objects: ${allCached}`);

if (!keep) fs.rmSync(dir, { recursive: true, force: true });
