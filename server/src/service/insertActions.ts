/**
 * Authoring code actions for mutual TLS: insert the scenario's two blocks (a TLS server that
 * requires client certificates, and a proxy that presents one and verifies its upstream),
 * require client certificates on an existing TLS server, and verify an existing HTTPS
 * upstream. Paths come from the workspace's certificates when the choice is clear, otherwise
 * from obvious placeholders; the text follows the file's indentation.
 *
 * What the inserted directives mean in nginx:
 * https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_verify_client
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_verify
 */
import * as path from 'node:path';
import type { CodeAction, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { quoteArg } from '../analysis/fixes/textEdits';
import { getDirectiveTable, type ContextKind, type DirectiveTable } from '../directives/directiveTable';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive } from '../parser/syntaxTree';
import { walkDirectives } from '../parser/syntaxTree';
import { contextAtOffset } from './contextAtOffset';
import { toRange } from './lspConvert';
import { clearCaChoice, clearLeafChoice, type WorkspaceCertificate } from './workspaceCertificates';

/** Code action kinds of the authoring actions (the server must advertise their parents). */
export const InsertActionKinds = {
  proxy: 'refactor.insert.nginxMtls.proxy',
  server: 'refactor.insert.nginxMtls.server',
  requireClientCertificates: 'refactor.rewrite.nginxMtls.requireClientCertificates',
  verifyUpstream: 'refactor.rewrite.nginxMtls.verifyUpstream',
} as const;

/** What is inserted when the workspace offers no single clear file or name. */
export const PLACEHOLDERS = {
  ca: '/etc/nginx/ssl/CHANGE-ME-ca.crt',
  serverCertificate: '/etc/nginx/ssl/CHANGE-ME-server.crt',
  serverKey: '/etc/nginx/ssl/CHANGE-ME-server.key',
  clientCertificate: '/etc/nginx/ssl/CHANGE-ME-client.crt',
  clientKey: '/etc/nginx/ssl/CHANGE-ME-client.key',
  upstreamHost: 'backend.example.com',
  serverName: 'api.example.com',
} as const;

export interface InsertActionOptions {
  /** Context of the file's top level (from the config tree, or inferred). */
  rootContext: ContextKind;
  workspaceCertificates: readonly WorkspaceCertificate[];
  toUri: (filePath: string) => string;
  /** Used only when the file itself shows no indentation. */
  tabSize?: number;
  insertSpaces?: boolean;
  /** nginx's conf prefix (the main config's directory): files under it are written relative to it. */
  confDir?: string;
  table?: DirectiveTable;
}

// ---------------------------------------------------------------------------------------------
// Templates

/** A statement to render: a simple directive line, a blank line, or a block with a body. */
export type TemplateStatement = string | { header: string; body: TemplateStatement[] };

export interface ServerBlockValues {
  serverName: string;
  serverCertificate: string;
  serverKey: string;
  clientCa: string;
  /** Where verified requests go; default http://127.0.0.1:8080. */
  backend?: string;
}

export interface ProxyValues {
  /** Host of the HTTPS upstream; also the name its certificate is verified against. */
  upstreamHost: string;
  upstreamPort?: number;
  clientCertificate: string;
  clientKey: string;
  upstreamCa: string;
}

/** "Server A": TLS that requires client certificates and forwards the verified identity. */
export function mtlsServerBlock(values: ServerBlockValues): TemplateStatement {
  return {
    header: 'server',
    body: [
      'listen 443 ssl;',
      `server_name ${quoteArg(values.serverName)};`,
      '',
      `ssl_certificate ${quoteArg(values.serverCertificate)};`,
      `ssl_certificate_key ${quoteArg(values.serverKey)};`,
      `ssl_client_certificate ${quoteArg(values.clientCa)};`,
      'ssl_verify_client on;',
      'ssl_verify_depth 2;',
      'ssl_protocols TLSv1.2 TLSv1.3;',
      '',
      {
        header: 'location /',
        body: [
          `proxy_pass ${values.backend ?? 'http://127.0.0.1:8080'};`,
          'proxy_set_header Host $host;',
          // $ssl_client_cert is multi-line and deprecated; the escaped form is a valid header value.
          'proxy_set_header X-Client-Cert $ssl_client_escaped_cert;',
          'proxy_set_header X-Client-Verify $ssl_client_verify;',
          'proxy_set_header X-Client-DN $ssl_client_s_dn;',
        ],
      },
    ],
  };
}

/** Directive name → its line, for the body of a location that proxies with mutual TLS. */
function proxyDirectives(values: ProxyValues): Array<[string, string]> {
  const host = values.upstreamHost;
  return [
    ['proxy_pass', `proxy_pass https://${host.includes(':') ? `[${host}]` : host}:${values.upstreamPort ?? 443};`],
    ['proxy_ssl_certificate', `proxy_ssl_certificate ${quoteArg(values.clientCertificate)};`],
    ['proxy_ssl_certificate_key', `proxy_ssl_certificate_key ${quoteArg(values.clientKey)};`],
    ['proxy_ssl_trusted_certificate', `proxy_ssl_trusted_certificate ${quoteArg(values.upstreamCa)};`],
    ['proxy_ssl_verify', 'proxy_ssl_verify on;'],
    ['proxy_ssl_verify_depth', 'proxy_ssl_verify_depth 2;'],
    // Verify and send SNI for the real name, not whatever proxy_pass names (an upstream group).
    ['proxy_ssl_name', `proxy_ssl_name ${host};`],
    ['proxy_ssl_server_name', 'proxy_ssl_server_name on;'],
    ['proxy_ssl_protocols', 'proxy_ssl_protocols TLSv1.2 TLSv1.3;'],
  ];
}

export function mtlsProxyLocation(values: ProxyValues, locationPath = '/'): TemplateStatement {
  return { header: `location ${locationPath}`, body: proxyDirectives(values).map(([, line]) => line) };
}

/** "Server B": plain HTTP in, mutual TLS out to a verified upstream. */
export function mtlsProxyServerBlock(values: ProxyValues): TemplateStatement {
  return { header: 'server', body: ['listen 8080;', 'server_name localhost;', '', mtlsProxyLocation(values)] };
}

/** Renders statements line by line at `indent`, nesting by `unit`, without a final line break. */
export function renderTemplate(statements: readonly TemplateStatement[], indent: string, unit: string, eol = '\n'): string {
  const lines: string[] = [];
  const emit = (list: readonly TemplateStatement[], level: string): void => {
    for (const s of list) {
      if (typeof s === 'string') {
        lines.push(s === '' ? '' : level + s);
        continue;
      }
      lines.push(`${level}${s.header} {`);
      emit(s.body, level + unit);
      lines.push(`${level}}`);
    }
  };
  emit(statements, indent);
  return lines.join(eol);
}

// ---------------------------------------------------------------------------------------------
// Layout

/**
 * The file's indentation step: the most common difference between a block's line and the
 * lines of its statements. Falls back to the editor's options, then to four spaces.
 */
export function detectIndentUnit(file: ParsedFile, fallback: { tabSize?: number; insertSpaces?: boolean } = {}): string {
  const counts = new Map<string, number>();
  walkDirectives(file.syntax.statements, (directive) => {
    if (!directive.block || !startsLine(file, directive.start)) return;
    const outer = lineIndent(file, directive.start);
    for (const child of directive.block.statements) {
      if (!startsLine(file, child.start)) continue;
      const inner = lineIndent(file, child.start);
      if (inner.length > outer.length && inner.startsWith(outer)) {
        const step = inner.slice(outer.length);
        if (/^(\t+| +)$/.test(step)) counts.set(step, (counts.get(step) ?? 0) + 1);
      }
    }
  });
  let best: string | undefined;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount) {
      best = step;
      bestCount = count;
    }
  }
  if (best) return best;
  if (fallback.insertSpaces === false) return '\t';
  return ' '.repeat(Math.max(1, Math.min(fallback.tabSize ?? 4, 8)));
}

function lineStartOf(file: ParsedFile, offset: number): number {
  return file.lines.lineStart(file.lines.positionAt(offset).line);
}

/** Offset of the line break ending the line of `offset` (before `\r\n`), or the end of the text. */
function lineEndOf(file: ParsedFile, offset: number): number {
  const nl = file.text.indexOf('\n', offset);
  if (nl < 0) return file.text.length;
  return nl > 0 && file.text[nl - 1] === '\r' ? nl - 1 : nl;
}

function lineIndent(file: ParsedFile, offset: number): string {
  return /^[ \t]*/.exec(file.text.slice(lineStartOf(file, offset), offset))?.[0] ?? '';
}

function startsLine(file: ParsedFile, offset: number): boolean {
  return /^[ \t]*$/.test(file.text.slice(lineStartOf(file, offset), offset));
}

interface Layout {
  unit: string;
  eol: string;
}

/** Where statements go inside a block and at which indentation. */
interface BlockSite {
  /** The block's directive; undefined for the top level of the file. */
  owner?: Directive;
  statements: readonly Directive[];
  /** Indentation of the block's statements. */
  indent: string;
}

function blockSite(file: ParsedFile, owner: Directive | undefined, depth: number, layout: Layout): BlockSite {
  const statements = owner ? owner.block?.statements ?? [] : file.syntax.statements;
  const aligned = statements.find((s) => startsLine(file, s.start));
  let indent: string;
  if (aligned) indent = lineIndent(file, aligned.start);
  else if (owner && startsLine(file, owner.start)) indent = lineIndent(file, owner.start) + layout.unit;
  else indent = layout.unit.repeat(depth);
  return { owner, statements, indent };
}

/**
 * An edit that puts `rendered` (already indented) on lines of its own after `anchor`, or
 * right after the block's `{` (the file's start at top level) when there is no anchor.
 */
function insertAfterAnchor(file: ParsedFile, site: BlockSite, anchor: Directive | undefined, rendered: string, layout: Layout, separate: boolean): { start: number; end: number; newText: string } {
  const gap = separate && anchor ? layout.eol : '';
  if (!anchor && !site.owner) {
    // Before the first statement of the file.
    const at = site.statements[0] ? lineStartOf(file, site.statements[0].start) : file.text.length;
    const lead = at > 0 && at === file.text.length && !file.text.endsWith('\n') ? layout.eol : '';
    return { start: at, end: at, newText: `${lead}${rendered}${layout.eol}${separate && site.statements.length > 0 ? layout.eol : ''}` };
  }
  const after = anchor ? anchor.end : site.owner!.block!.start + 1;
  const lineEnd = lineEndOf(file, after);
  if (/^[ \t]*(#.*)?$/.test(file.text.slice(after, lineEnd))) {
    return { start: lineEnd, end: lineEnd, newText: `${layout.eol}${gap}${rendered}` };
  }
  // Something follows on the same line (`{ return 200; }`): break the line around the insertion.
  const closingIndent = lineIndent(file, site.owner ? site.owner.start : after);
  const blanks = /^[ \t]*/.exec(file.text.slice(after, lineEnd))![0].length;
  return { start: after, end: after + blanks, newText: `${layout.eol}${gap}${rendered}${layout.eol}${closingIndent}` };
}

/**
 * Inserts at the cursor: on a blank line, replacing it; otherwise after the statement the
 * cursor is on (or the last one before it).
 */
function insertAtCursor(file: ParsedFile, site: BlockSite, offset: number, statements: readonly TemplateStatement[], layout: Layout): { start: number; end: number; newText: string } {
  const isBlock = statements.some((s) => typeof s !== 'string');
  const rendered = renderTemplate(statements, site.indent, layout.unit, layout.eol);
  const lineStart = lineStartOf(file, offset);
  const lineEnd = lineEndOf(file, offset);
  const insideBlock = !site.owner || (offset > site.owner.block!.start && lineStart > site.owner.block!.start && lineEnd < site.owner.block!.end);
  if (insideBlock && /^[ \t]*$/.test(file.text.slice(lineStart, lineEnd))) {
    if (!isBlock) return { start: lineStart, end: lineEnd, newText: rendered };
    // A block gets a blank line on each side, except next to the braces of its parent.
    const previous = lineStart > 0 ? file.text.slice(lineStartOf(file, lineStart - 1), lineStart).trim() : '';
    const nextStart = file.text.indexOf('\n', lineEnd);
    const next = nextStart < 0 ? '' : file.text.slice(nextStart + 1, lineEndOf(file, nextStart + 1)).trim();
    const before = previous !== '' && !previous.endsWith('{') ? layout.eol : '';
    const after = next !== '' && !next.startsWith('}') ? layout.eol : '';
    return { start: lineStart, end: lineEnd, newText: `${before}${rendered}${after}` };
  }
  let anchor: Directive | undefined;
  for (const s of site.statements) if (s.start <= offset) anchor = s;
  return insertAfterAnchor(file, site, anchor, rendered, layout, isBlock);
}

// ---------------------------------------------------------------------------------------------
// Values from the workspace

/** How a config names `absolute`: relative to nginx's conf prefix when under it (nginx resolves it there). */
export function configPath(absolute: string, confDir: string | undefined): string {
  if (confDir) {
    const relative = path.relative(path.resolve(confDir), absolute);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  return absolute;
}

interface Choices {
  ca: string;
  serverCertificate: string;
  serverKey: string;
  clientCertificate: string;
  clientKey: string;
  /** First DNS name of the one server certificate, if there is one. */
  serverHost?: string;
}

function choices(certificates: readonly WorkspaceCertificate[], confDir: string | undefined): Choices {
  const server = clearLeafChoice(certificates, 'server');
  const client = clearLeafChoice(certificates, 'client');
  const issuers = [server, client].flatMap((c) => {
    const issuer = c && certificates.find((w) => w.path === c.certificate)?.issuer;
    return issuer ? [issuer] : [];
  });
  const ca = clearCaChoice(certificates, issuers);
  const serverEntry = server && certificates.find((w) => w.path === server.certificate);
  return {
    ca: ca ? configPath(ca, confDir) : PLACEHOLDERS.ca,
    serverCertificate: server ? configPath(server.certificate, confDir) : PLACEHOLDERS.serverCertificate,
    serverKey: server ? configPath(server.key, confDir) : PLACEHOLDERS.serverKey,
    clientCertificate: client ? configPath(client.certificate, confDir) : PLACEHOLDERS.clientCertificate,
    clientKey: client ? configPath(client.key, confDir) : PLACEHOLDERS.clientKey,
    serverHost: serverEntry?.dnsNames?.find((n) => !n.startsWith('*')),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the blocks around the cursor

function own(block: Directive, name: string): Directive[] {
  return (block.block?.statements ?? []).filter((s) => s.name === name);
}

/** The innermost definition of `name` in `chain` (outermost first), as inheritance picks it within this file. */
function inScope(chain: readonly Directive[], name: string): Directive | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const found = own(chain[i], name);
    if (found.length > 0) return found[found.length - 1];
  }
  return undefined;
}

function isOnIn(directive: Directive | undefined): boolean {
  return directive?.args[0]?.value.toLowerCase() === 'on';
}

function isTlsServer(server: Directive): boolean {
  return own(server, 'listen').some((l) => l.args.slice(1).some((a) => a.value === 'ssl'));
}

/** Directives that already decide what a location answers (a `return` runs before any proxying). */
const CONTENT_HANDLERS = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'return']);

/** Host nginx verifies for proxy_pass: the upstream group's real server name where the group is in this file. */
function verificationName(file: ParsedFile, host: string, fallback: string | undefined): string | undefined {
  if (host.includes('$')) return undefined;
  let group: Directive | undefined;
  walkDirectives(file.syntax.statements, (d) => {
    if (!group && d.name === 'upstream' && d.block && d.args[0]?.value === host) group = d;
  });
  if (group) {
    for (const server of own(group, 'server')) {
      const name = (server.args[0]?.value ?? '').replace(/:\d+$/, '');
      if (isDnsName(name)) return name;
    }
    return fallback ?? PLACEHOLDERS.upstreamHost;
  }
  if (isDnsName(host)) return host;
  // An address: certificates are checked by name, so name the host the certificate carries.
  return fallback ?? PLACEHOLDERS.upstreamHost;
}

function isDnsName(name: string): boolean {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name) && !/^[\d.]+$/.test(name);
}

function httpsHost(passUrl: string): string | undefined {
  const match = /^https:\/\/(\[[^\]]+\]|[^/:?]+)/i.exec(passUrl);
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------
// The actions

interface Edit {
  start: number;
  end: number;
  newText: string;
}

function action(file: ParsedFile, title: string, kind: string, edits: Edit[], toUri: (p: string) => string): CodeAction {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const changes: Record<string, LspTextEdit[]> = {
    [toUri(file.path)]: sorted.map((e) => ({ range: toRange(file, e.start, e.end), newText: e.newText })),
  };
  return { title, kind, edit: { changes } };
}

/** Adds statement lines to `block` after `anchor` (at its indentation), or right after `{`. */
function addStatements(file: ParsedFile, block: Directive, depth: number, lines: readonly string[], anchor: Directive | undefined, layout: Layout): Edit | undefined {
  if (lines.length === 0) return undefined;
  const site = blockSite(file, block, depth, layout);
  const indent = anchor && startsLine(file, anchor.start) ? lineIndent(file, anchor.start) : site.indent;
  return insertAfterAnchor(file, site, anchor, renderTemplate(lines, indent, layout.unit, layout.eol), layout, false);
}

/** A flag directive present in the block itself but not `on`: its value is switched. */
function switchOn(directive: Directive): Edit | undefined {
  const value = directive.args[0];
  if (!value) return undefined;
  return { start: value.start, end: value.end, newText: 'on' };
}

/**
 * Makes the flag `name` on in `block`: nothing when the value in scope (`inEffect`) is already
 * on, the value switched when the block itself sets it, else a new line.
 */
function turnOn(block: Directive, name: string, inEffect: Directive | undefined, edits: Edit[], lines: string[]): void {
  if (isOnIn(inEffect)) return;
  if (inEffect && own(block, name).includes(inEffect)) {
    const edit = switchOn(inEffect);
    if (edit) edits.push(edit);
  } else {
    lines.push(`${name} on;`);
  }
}

function lastMatching(block: Directive, test: (name: string) => boolean): Directive | undefined {
  const list = (block.block?.statements ?? []).filter((s) => test(s.name));
  return list[list.length - 1];
}

function freeLocationPath(server: Directive): string | undefined {
  const taken = new Set(own(server, 'location').map((l) => l.args.map((a) => a.value).join(' ')));
  return ['/', '/api/', '/mtls-upstream/'].find((p) => !taken.has(p));
}

function requireClientCertificates(file: ParsedFile, chain: readonly Directive[], server: Directive, depth: number, values: Choices, layout: Layout, toUri: (p: string) => string): CodeAction | undefined {
  const scope = [...chain, server];
  const verify = inScope(scope, 'ssl_verify_client');
  const ca = inScope(scope, 'ssl_client_certificate');
  if (isOnIn(verify) && ca) return undefined;
  const edits: Edit[] = [];
  const lines: string[] = [];
  if (!ca) lines.push(`ssl_client_certificate ${quoteArg(values.ca)};`);
  turnOn(server, 'ssl_verify_client', verify, edits, lines);
  if (!inScope(scope, 'ssl_verify_depth')) lines.push('ssl_verify_depth 2;');
  const anchor = lastMatching(server, (n) => n.startsWith('ssl_')) ?? lastMatching(server, (n) => n === 'listen' || n === 'server_name');
  const added = addStatements(file, server, depth, lines, anchor, layout);
  if (added) edits.push(added);
  if (edits.length === 0) return undefined;
  return action(file, 'Require client certificates for this server', InsertActionKinds.requireClientCertificates, edits, toUri);
}

function verifyUpstream(file: ParsedFile, chain: readonly Directive[], location: Directive, depth: number, values: Choices, layout: Layout, toUri: (p: string) => string): CodeAction | undefined {
  const pass = own(location, 'proxy_pass')[0];
  const host = pass && httpsHost(pass.args[0]?.value ?? '');
  if (!pass || !host) return undefined;
  const scope = [...chain, location];
  const verify = inScope(scope, 'proxy_ssl_verify');
  if (isOnIn(verify)) return undefined;
  const edits: Edit[] = [];
  const lines: string[] = [];
  turnOn(location, 'proxy_ssl_verify', verify, edits, lines);
  if (!inScope(scope, 'proxy_ssl_trusted_certificate')) lines.push(`proxy_ssl_trusted_certificate ${quoteArg(values.ca)};`);
  if (!inScope(scope, 'proxy_ssl_name')) {
    const name = verificationName(file, host, values.serverHost);
    if (name) lines.push(`proxy_ssl_name ${name};`);
  }
  turnOn(location, 'proxy_ssl_server_name', inScope(scope, 'proxy_ssl_server_name'), edits, lines);
  const anchor = lastMatching(location, (n) => n.startsWith('proxy_ssl_')) ?? pass;
  const added = addStatements(file, location, depth, lines, anchor, layout);
  if (added) edits.push(added);
  return action(file, 'Verify this upstream', InsertActionKinds.verifyUpstream, edits, toUri);
}

/** The proxy directives a location lacks, for "Insert mTLS proxy block" inside a location. */
function proxyIntoLocation(chain: readonly Directive[], location: Directive, values: ProxyValues): string[] | undefined {
  if ((location.block?.statements ?? []).some((s) => CONTENT_HANDLERS.has(s.name))) return undefined;
  const scope = [...chain, location];
  return proxyDirectives(values)
    .filter(([name]) => {
      const present = inScope(scope, name);
      if (!present) return true;
      return (name === 'proxy_ssl_verify' || name === 'proxy_ssl_server_name') && !isOnIn(present);
    })
    .map(([, line]) => line);
}

/**
 * Authoring actions that fit the cursor at `range.start`: "Insert mTLS proxy block" in http
 * (a server), server (a location) and location (its directives); "Insert mTLS server block"
 * in http; "Require client certificates for this server" inside a `listen … ssl` server;
 * "Verify this upstream" in a location whose `proxy_pass https://…` is not verified.
 */
export function insertActions(file: ParsedFile, range: { start: number; end: number }, options: InsertActionOptions): CodeAction[] {
  const table = options.table ?? getDirectiveTable();
  const at = contextAtOffset(file, range.start, { table, rootContext: options.rootContext });
  if (at.target.kind === 'raw-body' || at.inString) return [];
  const layout: Layout = { unit: detectIndentUnit(file, options), eol: file.text.includes('\r\n') ? '\r\n' : '\n' };
  const values = choices(options.workspaceCertificates, options.confDir);
  const proxyValues: ProxyValues = {
    upstreamHost: values.serverHost ?? PLACEHOLDERS.upstreamHost,
    clientCertificate: values.clientCertificate,
    clientKey: values.clientKey,
    upstreamCa: values.ca,
  };
  const enclosing = at.enclosing;
  const innermost = enclosing[enclosing.length - 1];
  const depth = enclosing.length;
  const site = blockSite(file, innermost, depth, layout);
  const actions: CodeAction[] = [];

  if (at.context === 'http') {
    actions.push(action(file, 'Insert mTLS proxy block', InsertActionKinds.proxy,
      [insertAtCursor(file, site, range.start, [mtlsProxyServerBlock(proxyValues)], layout)], options.toUri));
    actions.push(action(file, 'Insert mTLS server block', InsertActionKinds.server,
      [insertAtCursor(file, site, range.start, [mtlsServerBlock({
        serverName: values.serverHost ?? PLACEHOLDERS.serverName,
        serverCertificate: values.serverCertificate,
        serverKey: values.serverKey,
        clientCa: values.ca,
      })], layout)], options.toUri));
  } else if (at.context === 'server' && innermost) {
    const locationPath = freeLocationPath(innermost);
    if (locationPath) {
      actions.push(action(file, 'Insert mTLS proxy block', InsertActionKinds.proxy,
        [insertAtCursor(file, site, range.start, [mtlsProxyLocation(proxyValues, locationPath)], layout)], options.toUri));
    }
  } else if (at.context === 'location' && innermost) {
    const lines = proxyIntoLocation(enclosing.slice(0, -1), innermost, proxyValues);
    if (lines && lines.length > 0) {
      actions.push(action(file, 'Insert mTLS proxy block', InsertActionKinds.proxy,
        [insertAtCursor(file, site, range.start, lines, layout)], options.toUri));
    }
  }

  // The cursor on a block's own header counts as being on that block.
  const onHeader = at.target.kind === 'directive-name' || at.target.kind === 'argument' ? at.target.directive : undefined;
  const chain = onHeader?.block ? [...enclosing, onHeader] : enclosing;
  const serverIndex = findLastIndex(chain, (d) => d.name === 'server' && d.block !== undefined && isHttpServer(chain, d, options.rootContext));
  if (serverIndex >= 0 && isTlsServer(chain[serverIndex])) {
    const required = requireClientCertificates(file, chain.slice(0, serverIndex), chain[serverIndex], serverIndex + 1, values, layout, options.toUri);
    if (required) actions.push(required);
  }
  const locationIndex = findLastIndex(chain, (d) => d.name === 'location' && d.block !== undefined);
  if (locationIndex >= 0 && locationIndex === chain.length - 1) {
    const verified = verifyUpstream(file, chain.slice(0, locationIndex), chain[locationIndex], locationIndex + 1, values, layout, options.toUri);
    if (verified) actions.push(verified);
  }
  return actions;
}

/** A `server` block of http (not a `server` line inside `upstream`, nor a stream server). */
function isHttpServer(chain: readonly Directive[], server: Directive, rootContext: ContextKind): boolean {
  const parent = chain[chain.indexOf(server) - 1];
  return parent === undefined ? rootContext === 'http' : parent.name === 'http';
}

function findLastIndex<T>(list: readonly T[], test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
  return -1;
}
