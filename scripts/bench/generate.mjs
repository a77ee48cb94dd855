// Deterministic benchmark workload: the same seed always writes the same configuration
// text. Certificates come from a small PKI made with the openssl command line once per
// workload; their bytes differ between runs, but every config names the same files.
//
//   tree/      nginx.conf + 200 included files (conf.d/, sites-enabled/, snippets/),
//              2,000 TLS servers, ~100k lines, certificates under tree/ssl/
//   single/    nginx.conf: one ~50k-line file
//   small/     nginx.conf: one ~5k-line file
//   tiny/      nginx.conf: 6 lines (start-up cost of each tool)
//   empty/     nginx.conf: the smallest config nginx accepts
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** mulberry32: a tiny seeded PRNG, so the workload is the same on every machine. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const LEAF_COUNT = 24;
const UPSTREAM_COUNT = 40;

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A root CA, an intermediate, LEAF_COUNT server certificates (EC, a few RSA) for
 * `*.siteN.bench.test`, a client CA with one client certificate (presented to upstreams),
 * and a backend CA that upstream verification trusts.
 */
export function generatePki(sslDir) {
  fs.mkdirSync(sslDir, { recursive: true });
  const ec = (name) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], sslDir);
  const rsa = (name) => openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], sslDir);
  const selfSigned = (name, subject) => {
    ec(name);
    openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-subj', subject, '-days', '3650', '-sha256', '-out', `${name}.crt`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], sslDir);
  };
  const signed = (name, subject, issuer, extensions, useRsa = false) => {
    if (useRsa) rsa(name); else ec(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], sslDir);
    fs.writeFileSync(path.join(sslDir, `${name}.ext`), extensions);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial',
      '-days', '825', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`], sslDir);
    fs.rmSync(path.join(sslDir, `${name}.csr`));
    fs.rmSync(path.join(sslDir, `${name}.ext`));
  };
  selfSigned('root-ca', '/O=Bench/CN=Bench Root CA');
  signed('intermediate-ca', '/O=Bench/CN=Bench Intermediate CA', 'root-ca',
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  for (let i = 0; i < LEAF_COUNT; i++) {
    const name = `site${String(i).padStart(2, '0')}`;
    signed(name, `/O=Bench/CN=site${i}.bench.test`, 'intermediate-ca',
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:*.site${i}.bench.test,DNS:site${i}.bench.test\n`,
      i % 8 === 7);
    // nginx wants the leaf first, then the intermediate.
    const leaf = fs.readFileSync(path.join(sslDir, `${name}.crt`), 'utf8');
    const inter = fs.readFileSync(path.join(sslDir, 'intermediate-ca.crt'), 'utf8');
    fs.writeFileSync(path.join(sslDir, `${name}.fullchain.crt`), leaf + inter);
  }
  selfSigned('client-ca', '/O=Bench/CN=Bench Client CA');
  signed('proxy-client', '/O=Bench/CN=proxy-client', 'client-ca',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  selfSigned('backend-ca', '/O=Bench/CN=Bench Backend CA');
  for (const f of fs.readdirSync(sslDir)) {
    if (f.endsWith('.srl')) fs.rmSync(path.join(sslDir, f));
    if (f.endsWith('.key')) fs.chmodSync(path.join(sslDir, f), 0o600);
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

/** One TLS server block (~50 lines) with locations, upstream TLS and comments. */
function serverBlock(rng, id, sslPath, snippetPath) {
  const leaf = String(rng.int(LEAF_COUNT)).padStart(2, '0');
  const site = Number(leaf);
  const host = `${WORDS[rng.int(WORDS.length)]}-${id}.site${site}.bench.test`;
  const upstream = `backend_${rng.int(UPSTREAM_COUNT)}`;
  const mtls = rng.chance(0.4);
  const lines = [
    `# server ${id}: ${host} (${mtls ? 'mutual TLS' : 'server TLS only'})`,
    'server {',
    '    listen 443 ssl;',
    '    listen [::]:443 ssl;',
    `    server_name ${host} www.${host};`,
    '',
    `    ssl_certificate ${sslPath}/site${leaf}.fullchain.crt;`,
    `    ssl_certificate_key ${sslPath}/site${leaf}.key;`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";',
    '    ssl_session_timeout 1h;',
  ];
  if (mtls) {
    lines.push(
      `    ssl_client_certificate ${sslPath}/client-ca.crt;`,
      `    ssl_verify_client ${rng.chance(0.7) ? 'on' : 'optional'};`,
      '    ssl_verify_depth 2;',
    );
  }
  lines.push(
    `    include ${snippetPath};`,
    `    access_log logs/access.log main;`,
    '    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
    `    set $tenant "${WORDS[rng.int(WORDS.length)]}";`,
    '',
    '    location / {',
    `        proxy_pass https://${upstream};`,
    '        proxy_set_header Host $host;',
    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    '        proxy_set_header X-Forwarded-Proto $scheme;',
  );
  if (mtls) lines.push('        proxy_set_header X-Client-Verify $ssl_client_verify;');
  lines.push(
    '        proxy_ssl_verify on;',
    `        proxy_ssl_trusted_certificate ${sslPath}/backend-ca.crt;`,
    '        proxy_ssl_name backend.internal;',
    '        proxy_ssl_server_name on;',
    `        proxy_ssl_certificate ${sslPath}/proxy-client.crt;`,
    `        proxy_ssl_certificate_key ${sslPath}/proxy-client.key;`,
    '        proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    '    }',
    '',
    `    location /api/v${1 + rng.int(3)}/ {`,
    `        limit_except ${rng.pick(METHODS)} ${rng.pick(METHODS)} { deny all; }`,
    `        proxy_pass https://${upstream};`,
    '        proxy_read_timeout 30s;',
    `        proxy_set_header X-Request-Id "$request_id";`,
    '    }',
    '',
    '    location ~* \\.(?:css|js|png|svg|woff2)$ {',
    `        root /srv/www/${host};`,
    `        expires ${1 + rng.int(30)}d;`,
    "        add_header Cache-Control 'public';",
    '    }',
    '',
    "    location = /healthz { return 200 'ok'; }",
    '}',
    '',
  );
  return lines;
}

function upstreamBlock(rng, index) {
  const lines = [`upstream backend_${index} {`];
  const servers = 2 + rng.int(3);
  for (let s = 0; s < servers; s++) lines.push(`    server 10.${index}.${s}.${1 + rng.int(250)}:${8443 + s} max_fails=3 fail_timeout=10s;`);
  lines.push('    keepalive 32;', '}', '');
  return lines;
}

function mapBlock(rng, index) {
  const lines = [`# routing map ${index}`, `map $http_x_tenant $tenant_pool_${index} {`, '    default "general";'];
  for (let k = 0; k < 20; k++) lines.push(`    "~^${WORDS[rng.int(WORDS.length)]}-${k}$" "pool-${rng.int(9)}";`);
  lines.push('}', '');
  return lines;
}

function mainConfig(prefixDir, includes, body) {
  return [
    '# Generated by scripts/bench/generate.mjs: a large TLS configuration for benchmarks.',
    'worker_processes 2;',
    `pid ${prefixDir}/nginx.pid;`,
    `error_log ${prefixDir}/error.log;`,
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    '    default_type application/octet-stream;',
    "    log_format main '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent';",
    `    client_body_temp_path ${prefixDir}/client_body;`,
    `    proxy_temp_path ${prefixDir}/proxy;`,
    `    fastcgi_temp_path ${prefixDir}/fastcgi;`,
    `    uwsgi_temp_path ${prefixDir}/uwsgi;`,
    `    scgi_temp_path ${prefixDir}/scgi;`,
    '    server_names_hash_bucket_size 128;',
    '    server_names_hash_max_size 65536;',
    '    ssl_session_cache shared:SSL:10m;',
    '    ssl_prefer_server_ciphers on;',
    ...includes.map((i) => `    include ${i};`),
    ...body.map((l) => (l ? '    ' + l : l)),
    '}',
    '',
  ].join('\n');
}

function countLines(dir) {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.parentPath.endsWith('ssl')) n += fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split('\n').length - 1;
  }
  return n;
}

/**
 * Writes the whole workload under `root`. `prefixDir` is where nginx may write its pid,
 * log and temp files (nginx -t opens them).
 */
export function generateWorkload(root, { seed = 20240601, prefixDir = path.join(root, 'prefix') } = {}) {
  const rng = prng(seed);
  fs.mkdirSync(path.join(prefixDir, 'logs'), { recursive: true });
  const treeDir = path.join(root, 'tree');
  const sslDir = path.join(treeDir, 'ssl');
  generatePki(sslDir);

  // (a) the tree: 20 conf.d files (maps, upstreams), 179 site files, 1 snippet.
  for (const sub of ['conf.d', 'sites-enabled', 'snippets']) fs.mkdirSync(path.join(treeDir, sub), { recursive: true });
  const snippet = path.join(treeDir, 'snippets', 'tls-hardening.conf');
  fs.writeFileSync(snippet, [
    '# Shared TLS hardening, included by every server.',
    'ssl_session_tickets off;',
    'ssl_stapling off;',
    'add_header X-Content-Type-Options nosniff always;',
    '',
  ].join('\n'));
  for (let f = 0; f < 20; f++) {
    const lines = [`# conf.d/${f}: upstreams and maps`];
    for (let u = f * 2; u < f * 2 + 2; u++) lines.push(...upstreamBlock(rng, u));
    for (let m = 0; m < 4; m++) lines.push(...mapBlock(rng, f * 4 + m));
    fs.writeFileSync(path.join(treeDir, 'conf.d', `${String(f).padStart(2, '0')}-routing.conf`), lines.join('\n'));
  }
  const SITE_FILES = 179;
  const SERVERS = 2000;
  let server = 0;
  for (let f = 0; f < SITE_FILES; f++) {
    const count = Math.round(((f + 1) * SERVERS) / SITE_FILES) - Math.round((f * SERVERS) / SITE_FILES);
    const lines = [`# sites-enabled/site-${f}: ${count} virtual hosts`, ''];
    for (let s = 0; s < count; s++) lines.push(...serverBlock(rng, server++, 'ssl', snippet));
    fs.writeFileSync(path.join(treeDir, 'sites-enabled', `site-${String(f).padStart(3, '0')}.conf`), lines.join('\n'));
  }
  fs.writeFileSync(path.join(treeDir, 'nginx.conf'), mainConfig(prefixDir, ['conf.d/*.conf', 'sites-enabled/*.conf'], []));

  // (b) and (c): everything in one file, certificates named by absolute path.
  // Every server proxies to one of the UPSTREAM_COUNT upstreams, so each file defines them all.
  const single = (dir, servers) => {
    fs.mkdirSync(dir, { recursive: true });
    const body = [];
    for (let u = 0; u < UPSTREAM_COUNT; u++) body.push(...upstreamBlock(rng, u));
    for (let m = 0; m < 10; m++) body.push(...mapBlock(rng, m));
    for (let s = 0; s < servers; s++) body.push(...serverBlock(rng, s, sslDir, snippet));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(prefixDir, [], body));
  };
  single(path.join(root, 'single'), 1040);
  single(path.join(root, 'small'), 96);

  fs.mkdirSync(path.join(root, 'tiny'), { recursive: true });
  fs.writeFileSync(path.join(root, 'tiny', 'nginx.conf'), `pid ${prefixDir}/tiny.pid;\nevents {}\nhttp {\n    server { listen 8080; }\n}\n# end\n`);
  fs.mkdirSync(path.join(root, 'empty'), { recursive: true });
  fs.writeFileSync(path.join(root, 'empty', 'nginx.conf'), `pid ${prefixDir}/empty.pid;\nevents {}\n`);

  return {
    root,
    prefixDir,
    tree: treeDir,
    treeMain: path.join(treeDir, 'nginx.conf'),
    treeLines: countLines(treeDir),
    treeFiles: fs.readdirSync(treeDir, { recursive: true }).filter((f) => f.endsWith('.conf')).length,
    treeServers: SERVERS,
    certFiles: fs.readdirSync(sslDir).length,
    single: path.join(root, 'single', 'nginx.conf'),
    singleLines: countLines(path.join(root, 'single')),
    small: path.join(root, 'small', 'nginx.conf'),
    smallLines: countLines(path.join(root, 'small')),
    tiny: path.join(root, 'tiny', 'nginx.conf'),
    empty: path.join(root, 'empty', 'nginx.conf'),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const dir = process.argv[2] ?? fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'nginx-mtls-workload-'));
  console.log(JSON.stringify(generateWorkload(dir), null, 2));
}
