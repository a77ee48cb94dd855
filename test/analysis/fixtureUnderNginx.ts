/**
 * Turns a rule fixture into a configuration real `nginx -t` can load on this machine: the
 * fixture's context is wrapped in main/http/server blocks, the certificate, key and CA files
 * it names become the test PKI's files of the same role, and host names nginx would resolve
 * at start-up become `upstream` blocks on 127.0.0.1 (nginx -t resolves them, and tests run
 * without network). What cannot be provided (CRLs, DH parameters, OCSP responses) is
 * returned as a reason to skip.
 */
import { loadModuleLines } from '../differential/nginxHarness';

export type NginxCase = { conf: string } | { skip: string };

/** The PKI file (generateTranscriptPki's names) standing in for each kind of TLS file. */
function pkiFileFor(prefix: string, kind: string): string | undefined {
  const upstream = prefix !== 'ssl_';
  switch (kind) {
    case 'certificate': return upstream ? 'client.crt' : 'server.crt';
    case 'certificate_key': return upstream ? 'client.key' : 'server.key';
    case 'trusted_certificate': case 'client_certificate': return 'ca.crt';
    case 'password_file': return 'pass.txt';
    default: return undefined;
  }
}

const FILE_DIRECTIVE = /\b((?:proxy_|grpc_|uwsgi_)?ssl_)(certificate_key|certificate|trusted_certificate|client_certificate|password_file|crl|dhparam|stapling_file)(\s+)("[^"]*"|'[^']*'|[^;\s]+)/g;
const PASS = /\b(proxy_pass|grpc_pass|uwsgi_pass)(\s+)([^;\s]+)/g;
const UPSTREAM_SERVER = /(\bserver\s+)([A-Za-z][\w.-]*)(:\d+)?(?=[\s;])/g;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function needsResolving(host: string): boolean {
  return !host.includes('$') && !IPV4.test(host) && !host.startsWith('[') && !host.startsWith('unix:') && host !== 'localhost';
}

/** Inserts `lines` right after the opening brace of the first `<name> {` block. */
function insertIntoBlock(text: string, name: string, lines: readonly string[]): string | undefined {
  const m = new RegExp(`(^|[\\s;}])${name}\\s*\\{`).exec(text);
  if (!m) return undefined;
  const at = m.index + m[0].length;
  return `${text.slice(0, at)}\n${lines.join('\n')}\n${text.slice(at)}`;
}

export function nginxConfigFor(fixtureText: string, pki: string, prefix: string): NginxCase {
  let skip: string | undefined;
  let text = fixtureText.replace(FILE_DIRECTIVE, (all, dirPrefix: string, kind: string, space: string, value: string) => {
    if (value.includes('$') || value.startsWith('data:')) return all;
    const file = pkiFileFor(dirPrefix, kind);
    if (!file) {
      skip ??= `needs a ${dirPrefix}${kind} file the test PKI does not have`;
      return all;
    }
    return `${dirPrefix}${kind}${space}${pki}/${file}`;
  });
  if (skip) return { skip };
  const declared = new Set([...text.matchAll(/\bupstream\s+([^\s{]+)\s*\{/g)].map((m) => m[1].toLowerCase()));
  const upstreams = { http: new Map<string, string>(), stream: new Map<string, string>() };
  text = text.replace(PASS, (all, name: string, space: string, value: string) => {
    const scheme = /^([a-z]+):\/\//i.exec(value);
    const family = name === 'proxy_pass' && !scheme ? 'stream' : 'http';
    const rest = scheme ? value.slice(scheme[0].length) : value;
    const [hostPort, ...pathParts] = rest.split('/');
    const [host, port] = hostPort.split(':');
    if (!needsResolving(host) || (declared.has(host.toLowerCase()) && !port)) return all;
    upstreams[family].set(host, `upstream ${host} { server 127.0.0.1:${port ?? '443'}; }`);
    const path = pathParts.length > 0 ? `/${pathParts.join('/')}` : '';
    return `${name}${space}${scheme ? scheme[0] : ''}${host}${path}`;
  });
  // Servers of upstream blocks are resolved at start-up too.
  text = text.replace(UPSTREAM_SERVER, (all, head: string, host: string, port?: string) => (needsResolving(host) && host.includes('.') ? `${head}127.0.0.1${port ?? ''}` : all));

  const context = /#\s*nginx-mtls-context:\s*([a-z-]+)/.exec(fixtureText)?.[1] ?? 'main';
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${prefix}/${k}_temp;`).join(' ');
  const httpHead = [`access_log off; ${temps}`, ...upstreams.http.values()];
  let body: string | undefined;
  if (context === 'http') body = `http {\n${httpHead.join('\n')}\n${text}\n}`;
  else if (context === 'server') body = `http {\n${httpHead.join('\n')}\nserver {\n${text}\n}\n}`;
  else if (context === 'main') {
    body = /(^|[\s;}])http\s*\{/.test(text) ? insertIntoBlock(text, 'http', httpHead) : text;
    if (body && upstreams.stream.size > 0) body = insertIntoBlock(body, 'stream', [...upstreams.stream.values()]);
  } else return { skip: `context ${context} has no wrapper here` };
  if (body === undefined) return { skip: 'an upstream host has no block to be declared in' };
  if (context !== 'main' && upstreams.stream.size > 0) return { skip: 'stream upstream hosts in a non-main fixture' };
  const modules = /(^|[\s;}])stream\s*\{/.test(body) ? loadModuleLines((n) => n.startsWith('ngx_stream')) : [];
  const head = ['worker_processes 1;', 'error_log stderr;', `pid ${prefix}/nginx.pid;`, ...modules];
  if (!/(^|[\s;}])events\s*\{/.test(body)) head.push('events {}');
  return { conf: `${head.join('\n')}\n${body}\n` };
}
