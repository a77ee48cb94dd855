/**
 * End to end with the real nginx on 127.0.0.1 (issue 4): a backend that echoes the identity
 * headers it receives, Server A requiring client certificates and forwarding
 * $ssl_client_s_dn / $ssl_client_verify / $ssl_client_escaped_cert, and Server B proxying
 * to Server A with a client certificate (mTLS to the upstream, verified by name). A request
 * through Server B must reach the backend with the client's identity. Then the broken
 * variants of the scenario: nginx -t must refuse each, and our checker must report an error
 * on the line nginx blames (or, when nginx names no line, on the directive that was broken).
 * Variants whose rules do not exist yet are listed in e2eExpectations.json.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  NGINX, REPO_ROOT, checkMain, firstNginxError, formatFinding, makeTempDir, makeWorkspace, nginxAvailable, removeDir, runNginxTest,
} from '../differential/nginxHarness';
import { generateTranscriptPki, opensslAvailable } from '../differential/opensslPki';

const EXPECTATIONS_FILE = path.join(REPO_ROOT, 'test/e2e-nginx/e2eExpectations.json');
const skipReason = !nginxAvailable() ? '/usr/sbin/nginx is not installed' : !opensslAvailable() ? 'openssl is not installed' : undefined;
if (skipReason) console.log(`e2e mTLS loopback test skipped: ${skipReason}`);

interface Ports {
  backend: number;
  serverA: number;
  serverB: number;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three free ports from 18000–19999, starting at a pid-based offset. */
async function choosePorts(): Promise<Ports> {
  const found: number[] = [];
  const start = 18000 + ((process.pid * 7) % 1900);
  for (let i = 0; i < 2000 && found.length < 3; i++) {
    const port = 18000 + ((start - 18000 + i) % 2000);
    if (await portFree(port)) found.push(port);
  }
  assert.equal(found.length, 3, 'no free ports in 18000-19999');
  return { backend: found[0], serverA: found[1], serverB: found[2] };
}

interface Scenario {
  prefix: string;
  pki: string;
  ports: Ports;
}

/** The working scenario. Each broken variant edits one marked line of it. */
function goodConfig(s: Scenario): string {
  const { prefix, pki, ports } = s;
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${prefix}/${t}_temp;`).join(' ');
  return `worker_processes 1;
daemon off;
master_process off;
error_log ${prefix}/error.log info;
pid ${prefix}/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    ${temps}

    # backend: shows what identity Server A forwarded
    server {
        listen 127.0.0.1:${ports.backend};
        location / {
            return 200 "$http_x_client_dn|$http_x_client_verify";
        }
    }

    # Server A: requires a client certificate
    server {
        listen 127.0.0.1:${ports.serverA} ssl;
        server_name serverA.example.com;
        ssl_certificate ${pki}/server.crt;
        ssl_certificate_key ${pki}/server.key;
        ssl_client_certificate ${pki}/ca.crt;
        ssl_verify_client on;
        location / {
            proxy_pass http://127.0.0.1:${ports.backend};
            proxy_set_header X-Client-DN $ssl_client_s_dn;
            proxy_set_header X-Client-Verify $ssl_client_verify;
            proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
        }
    }

    # Server B: mTLS client of Server A
    server {
        listen 127.0.0.1:${ports.serverB};
        location / {
            proxy_pass https://127.0.0.1:${ports.serverA};
            proxy_ssl_certificate ${pki}/client.crt;
            proxy_ssl_certificate_key ${pki}/client.key;
            proxy_ssl_trusted_certificate ${pki}/ca.crt;
            proxy_ssl_verify on;
            proxy_ssl_name serverA.example.com;
            proxy_ssl_server_name on;
            proxy_set_header X-Request-Id $request_id;
        }
    }
}
`;
}

interface Variant {
  id: string;
  /** Replaces exactly one line of the good config (matched by its trimmed text). */
  edit: (s: Scenario) => { find: string; replace: string };
  /** nginx -t's message must contain this. */
  nginxSays: string;
  /** When nginx names no line: the directive (trimmed line) a diagnostic belongs on; default the edited line. */
  blame?: string;
}

const VARIANTS: Variant[] = [
  {
    id: 'der-client-cert',
    edit: (s) => ({ find: `proxy_ssl_certificate ${s.pki}/client.crt;`, replace: `proxy_ssl_certificate ${s.pki}/client.der.crt;` }),
    nginxSays: 'cannot load certificate',
  },
  {
    id: 'if-wrapped-proxy_set_header',
    edit: () => ({ find: 'proxy_set_header X-Request-Id $request_id;', replace: 'if ($http_x_ssl_cert) { proxy_set_header X-SSL-CERT $http_x_ssl_cert; }' }),
    nginxSays: 'is not allowed here',
  },
  {
    id: 'mismatched-key',
    edit: (s) => ({ find: `proxy_ssl_certificate_key ${s.pki}/client.key;`, replace: `proxy_ssl_certificate_key ${s.pki}/other.key;` }),
    nginxSays: 'key values mismatch',
  },
  {
    id: 'verify-without-trusted-ca',
    edit: (s) => ({ find: `proxy_ssl_trusted_certificate ${s.pki}/ca.crt;`, replace: '# (no proxy_ssl_trusted_certificate)' }),
    nginxSays: 'no proxy_ssl_trusted_certificate for proxy_ssl_verify',
    blame: 'proxy_ssl_verify on;',
  },
];

/** Applies the edit; returns the text and the 1-based line of the edited directive. */
function applyEdit(text: string, find: string, replace: string): { text: string; line: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.trim() === find);
  assert.ok(index >= 0, `line "${find}" not in the scenario`);
  lines[index] = lines[index].replace(find, replace);
  return { text: lines.join('\n'), line: index + 1 };
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('e2e: mTLS through real nginx on loopback', { skip: skipReason, timeout: 120_000 }, () => {
  let root = '';
  let scenario: Scenario;
  let nginx: ChildProcess | undefined;
  let nginxOutput = '';
  const killOnExit = (): void => { if (nginx && nginx.exitCode === null) nginx.kill('SIGKILL'); };
  const expectations: Record<string, string> = fs.existsSync(EXPECTATIONS_FILE) ? JSON.parse(fs.readFileSync(EXPECTATIONS_FILE, 'utf8')) : {};

  before(async () => {
    root = makeTempDir('e2e');
    const pki = generateTranscriptPki(path.join(root, 'pki'), { full: false });
    scenario = { prefix: path.join(root, 'prefix'), pki, ports: await choosePorts() };
    fs.mkdirSync(path.join(scenario.prefix, 'conf'), { recursive: true });
    process.on('exit', killOnExit);
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise<void>((resolve) => nginx!.once('exit', () => resolve()));
      nginx.kill('SIGQUIT');
      const timer = setTimeout(() => nginx?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    if (root) removeDir(root);
  });

  it('forwards the client identity from Server B through Server A to the backend', async () => {
    const conf = path.join(scenario.prefix, 'conf', 'nginx.conf');
    fs.writeFileSync(conf, goodConfig(scenario));
    const check = await runNginxTest(scenario.prefix, conf, false);
    assert.equal(check.status, 0, `nginx -t refuses the working scenario:\n${check.stderr}`);

    const ours = await checkMain(makeWorkspace('1.22.1'), conf);
    const claims = ours.filter((f) => f.nginxRefuses);
    if (claims.length > 0 && !expectations['good-config']) {
      assert.fail(`nginx accepts the working scenario, but we claim it refuses:\n${claims.map(formatFinding).join('\n')}`);
    }

    nginx = spawn(NGINX, ['-p', scenario.prefix + '/', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (d: Buffer) => { nginxOutput += d.toString(); });
    nginx.stderr!.on('data', (d: Buffer) => { nginxOutput += d.toString(); });
    const deadline = Date.now() + 60_000; // a guard against a hang, not a speed check
    const { ports } = scenario;
    for (;;) {
      if (nginx.exitCode !== null) assert.fail(`nginx exited with ${nginx.exitCode}: ${nginxOutput}`);
      const up = await Promise.all([ports.backend, ports.serverA, ports.serverB].map(canConnect));
      if (up.every(Boolean)) break;
      if (Date.now() > deadline) assert.fail(`nginx did not listen on ${Object.values(ports).join(', ')} within 60 s: ${nginxOutput}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const response = await get(ports.serverB, '/');
    const log = (): string => {
      try { return fs.readFileSync(path.join(scenario.prefix, 'error.log'), 'utf8').split('\n').filter((l) => /\[(error|crit|alert|emerg)\]/.test(l)).join('\n'); } catch { return ''; }
    };
    assert.equal(response.status, 200, `Server B answered ${response.status}: ${response.body}\n${log()}`);
    const [dn, verify] = response.body.split('|');
    console.log(`e2e: backend saw X-Client-DN "${dn}", X-Client-Verify "${verify}" (ports ${ports.backend}/${ports.serverA}/${ports.serverB})`);
    assert.match(dn, /CN=client\.example\.com/, 'the backend did not receive the client certificate subject');
    assert.equal(verify, 'SUCCESS');
  });

  for (const variant of VARIANTS) {
    it(`broken variant "${variant.id}": nginx -t refuses it and we report it on the same line`, async () => {
      const dir = path.join(root, 'variants', variant.id);
      fs.mkdirSync(path.join(dir, 'conf'), { recursive: true });
      const { find, replace } = variant.edit(scenario);
      const edited = applyEdit(goodConfig({ ...scenario, prefix: dir }), find, replace);
      const conf = path.join(dir, 'conf', 'nginx.conf');
      fs.writeFileSync(conf, edited.text);
      const run = await runNginxTest(dir, conf, false);
      assert.notEqual(run.status, 0, `nginx -t accepts variant ${variant.id}`);
      const first = firstNginxError(run.stderr);
      if (!first || !first.text.includes(variant.nginxSays)) assert.fail(`nginx -t says "${first?.text}", expected "${variant.nginxSays}"`);
      const blamed = variant.blame ? edited.text.split('\n').findIndex((l) => l.trim() === variant.blame) + 1 : edited.line;
      const line = first.line ?? blamed;

      const ours = await checkMain(makeWorkspace('1.22.1'), conf);
      const onLine = ours.filter((f) => f.file === conf && f.severity === 'error' && f.line <= line && line <= f.endLine);
      const agrees = onLine.length > 0;
      console.log(`e2e ${variant.id}: nginx: ${first.text.split(dir).join('<prefix>')} → line ${line}; ours: ${onLine.map(formatFinding).join(' | ') || '(nothing on that line)'}`);
      if (expectations[variant.id]) {
        if (agrees) console.log(`  listed variant now passes (remove it from e2eExpectations.json): ${variant.id}`);
        return;
      }
      assert.ok(agrees, `no error of ours on line ${line} for ${variant.id}; we report:\n${ours.filter((f) => f.severity === 'error').map(formatFinding).join('\n') || '(no errors)'}`);
    });
  }
});
