/**
 * Inlay hints that save a trip to a hover, a terminal or the nginx docs:
 *
 * - certificate expiry after a certificate or CA path, only when it matters: expired, not
 *   yet valid, or expiring within the warning window (`certificateExpiryWarningDays`). A
 *   date on every path would be noise.
 * - the effective value of a TLS setting a block leaves at its default where that default
 *   is the insecure or surprising choice: `proxy_ssl_verify off (default)` after a TLS
 *   `proxy_pass`, `ssl_verify_client off (default)` where a server names client CAs but
 *   never asks for a client certificate, and the version-dependent `ssl_protocols` default
 *   after `listen … ssl`. A default is claimed only when every level the block inherits from
 *   is known: a block of a snippet checked on its own, or one under an include we could not
 *   read, gets no hint (an inherited value may exist there).
 */
import type { InlayHint } from 'vscode-languageserver-types';
import { fileDirectiveInfo, skipReason } from '../analysis/tlsFileReferences';
import type { CertificateInfo, InspectedFile } from '../certificates/certificateTypes';
import type { DirectiveTable } from '../directives/directiveTable';
import { isWithin, type ConfigNode, type ConfigTree } from '../model/configTree';
import { requestPaths, serverScopes, type EffectiveValue, type Family, type RequestPath } from '../model/effectiveConfig';
import type { ParsedFile } from '../model/parsedFile';
import { nodesOfFile } from '../model/treeIndexes';
import { walkDirectives, type Directive, type Word } from '../parser/syntaxTree';

export interface InlayHintOptions {
  now: Date;
  /** Show certificate expiry hints (setting `inlayHints.certificateExpiry`). */
  certificateExpiry: boolean;
  /** Show effective-default hints (setting `inlayHints.effectiveDefaults`). */
  effectiveDefaults: boolean;
  /** Expiry within this many days is shown (setting `certificateExpiryWarningDays`). */
  expiryWarningDays: number;
  targetVersion: string;
  table: DirectiveTable;
  /** The configuration the file is read in; without one, no effective-default hints. */
  tree?: ConfigTree;
  resolvePath: (written: string) => string;
  inspect: (absolutePath: string) => Promise<InspectedFile>;
}

/** Offsets of the part of the file the editor shows. */
export interface OffsetRange {
  start: number;
  end: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The hints of `file` within `range`, in document order. */
export async function inlayHints(file: ParsedFile, range: OffsetRange, options: InlayHintOptions): Promise<InlayHint[]> {
  const hints: { offset: number; hint: InlayHint }[] = [];
  const add = (offset: number, label: string, tooltip?: string): void => {
    if (offset < range.start || offset > range.end) return;
    hints.push({ offset, hint: { position: file.lines.positionAt(offset), label, paddingLeft: true, tooltip } });
  };
  if (options.certificateExpiry) {
    for (const { arg, label, tooltip } of await expiryHints(file, range, options)) add(arg.end, label, tooltip);
  }
  if (options.effectiveDefaults && options.tree) {
    for (const { offset, label, tooltip } of defaultHints(file, options.tree, options)) add(offset, label, tooltip);
  }
  return hints.sort((a, b) => a.offset - b.offset).map(({ hint }) => hint);
}

// --- certificate expiry ---

interface ExpiryHint {
  arg: Word;
  label: string;
  tooltip: string;
}

async function expiryHints(file: ParsedFile, range: OffsetRange, options: InlayHintOptions): Promise<ExpiryHint[]> {
  const wanted: { arg: Word; role: 'certificate' | 'ca-bundle' }[] = [];
  walkDirectives(file.syntax.statements, (directive) => {
    // A block's statements lie within it: one outside the range holds none inside.
    if (directive.end < range.start || directive.start > range.end) return 'skip';
    const info = fileDirectiveInfo(directive.name);
    const arg = directive.args[0];
    if (!info || !arg || skipReason(arg)) return undefined;
    if (info.role === 'certificate' || info.role === 'ca-bundle') wanted.push({ arg, role: info.role });
    return undefined;
  });
  const hints: ExpiryHint[] = [];
  for (const { arg, role } of wanted) {
    const inspected = await options.inspect(options.resolvePath(arg.value));
    const hint = expiryHint(inspected.certificates, role, options);
    if (hint) hints.push({ arg, ...hint });
  }
  return hints;
}

/**
 * The hint for the certificate of a file that needs attention first (expired, then not yet
 * valid, then expiring soonest), or undefined when all are comfortably valid. The leaf of a
 * chain is not named; another certificate is, by common name.
 */
export function expiryHint(certificates: readonly CertificateInfo[], role: 'certificate' | 'ca-bundle', options: Pick<InlayHintOptions, 'now' | 'expiryWarningDays'>): { label: string; tooltip: string } | undefined {
  const now = options.now.getTime();
  let chosen: { cert: CertificateInfo; rank: number; label: string } | undefined;
  for (const cert of certificates) {
    const notAfter = Date.parse(cert.notAfter);
    const notBefore = Date.parse(cert.notBefore);
    let candidate: { rank: number; label: string } | undefined;
    if (Number.isFinite(notAfter) && notAfter < now) {
      const days = Math.floor((now - notAfter) / DAY_MS);
      candidate = { rank: -1e12 + notAfter / DAY_MS, label: days === 0 ? 'expired today' : `expired ${plural(days, 'day')} ago` };
    } else if (Number.isFinite(notBefore) && notBefore > now) {
      candidate = { rank: -1e6, label: `not valid until ${cert.notBefore.slice(0, 10)}` };
    } else if (Number.isFinite(notAfter)) {
      const days = Math.floor((notAfter - now) / DAY_MS);
      if (days < options.expiryWarningDays) candidate = { rank: days, label: days === 0 ? 'expires today' : `expires in ${plural(days, 'day')}` };
    }
    if (candidate && (!chosen || candidate.rank < chosen.rank)) chosen = { cert, ...candidate };
  }
  if (!chosen) return undefined;
  const isLeaf = role === 'certificate' ? chosen.cert.index === 0 : certificates.length === 1;
  const who = isLeaf ? '' : `${chosen.cert.subjectCommonName ?? chosen.cert.subject}: `;
  return { label: who + chosen.label, tooltip: `${chosen.cert.subject}\nvalid ${chosen.cert.notBefore} to ${chosen.cert.notAfter}` };
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

// --- effective defaults ---

interface DefaultHint {
  offset: number;
  label: string;
  tooltip: string;
}

function defaultLabel(value: EffectiveValue, version?: string): string {
  return `${value.name} ${value.args.join(' ')} (default${version ? ` in nginx ${version}` : ''})`;
}

const INHERITANCE_NOTE = 'No enclosing block sets it, so nginx uses its default here.';

/**
 * A file included in several places is one text with several readings: a statement gets a
 * hint only when every reading of it gives the same one.
 */
class AgreedHints {
  private readonly readings = new Map<Directive, (DefaultHint | undefined)[]>();

  add(statement: Directive, hint: DefaultHint | undefined): void {
    const list = this.readings.get(statement);
    if (list) list.push(hint);
    else this.readings.set(statement, [hint]);
  }

  agreed(): DefaultHint[] {
    const out: DefaultHint[] = [];
    for (const list of this.readings.values()) {
      const first = list[0];
      if (first && list.every((h) => h !== undefined && h.offset === first.offset && h.label === first.label)) out.push(first);
    }
    return out;
  }
}

function defaultHints(file: ParsedFile, tree: ConfigTree, options: InlayHintOptions): DefaultHint[] {
  const effectiveOptions = { version: options.targetVersion, table: options.table };
  const inFile = new Set(nodesOfFile(tree, file.path));
  const upstreamHints = new AgreedHints();
  for (const path of requestPaths(tree, effectiveOptions, (pass) => inFile.has(pass))) {
    upstreamHints.add(path.pass.directive, path.tls === true && !path.incomplete ? upstreamVerifyHint(path) : undefined);
  }
  const clientHints = new AgreedHints();
  const protocolHints = new AgreedHints();
  for (const family of ['http', 'stream'] as Family[]) {
    for (const scope of serverScopes(tree, family, effectiveOptions)) {
      if (!scope.node || !inFile.has(scope.node)) continue;
      const complete = !scope.incomplete;
      const clientCas = scope.get('ssl_client_certificate');
      const verifyClient = scope.get('ssl_verify_client');
      if (!clientCas.isDefault) {
        const own = clientCas.nodes.find((n) => inFile.has(n) && isWithin(n, scope.node as ConfigNode));
        const anchor = own ? own.directive : scope.node.directive;
        const offset = own ? statementEnd(own.directive) : scope.node.directive.nameEnd;
        clientHints.add(anchor, complete && verifyClient.isDefault
          ? { offset, label: defaultLabel(verifyClient), tooltip: `Client CAs are named but clients are never asked for a certificate. ${INHERITANCE_NOTE}` }
          : undefined);
      }
      const tlsListen = scope.statements.find((n) => n.directive.name === 'listen' && n.file === file && n.directive.args.some((a) => a.value === 'ssl'));
      if (tlsListen) {
        const protocols = scope.get('ssl_protocols');
        protocolHints.add(tlsListen.directive, complete && protocols.isDefault && protocols.args.length > 0
          ? { offset: statementEnd(tlsListen.directive), label: defaultLabel(protocols, options.targetVersion), tooltip: `nginx's default depends on its version (see the targetVersion setting). ${INHERITANCE_NOTE}` }
          : undefined);
      }
    }
  }
  return [...upstreamHints.agreed(), ...clientHints.agreed(), ...protocolHints.agreed()];
}

/** `proxy_ssl_verify off (default)`, or with verification on, a default `proxy_ssl_server_name off`. */
function upstreamVerifyHint(path: RequestPath): DefaultHint | undefined {
  const offset = statementEnd(path.pass.directive);
  const verify = path.ssl('verify');
  if (verify.isDefault) {
    return { offset, label: defaultLabel(verify), tooltip: `The upstream's certificate is not checked: anyone on the path can pose as ${path.target.host}. ${INHERITANCE_NOTE}` };
  }
  const serverName = path.ssl('server_name');
  if (verify.args[0] === 'on' && serverName.isDefault) {
    return { offset, label: defaultLabel(serverName), tooltip: `No SNI is sent to the upstream, so a server with several names may present a different certificate. ${INHERITANCE_NOTE}` };
  }
  return undefined;
}

/** Just after a statement's `;` (a hint about the whole statement reads after it), else after its last word. */
function statementEnd(directive: Directive): number {
  if (directive.terminator === ';') return directive.end;
  const last = directive.args[directive.args.length - 1];
  return last ? last.end : directive.nameEnd;
}
