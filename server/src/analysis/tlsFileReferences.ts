/**
 * Every certificate, key, CA, CRL and password file a configuration names, with what
 * nginx does with it: the file's role, the directive family (ssl, proxy_ssl, grpc_ssl,
 * uwsgi_ssl), where it resolves to, and whether nginx reads it when loading the config.
 */
import type { ConfigNode } from '../model/configTree';
import { depthFirstNodes } from '../model/treeIndexes';
import { isOnWord } from '../model/effectiveConfig';
import type { Word } from '../parser/syntaxTree';
import { isSystemTrustStore } from '../certificates/trustStores';
import { INLINE_DATA_LABEL, INLINE_DATA_SINCE, isInlineData } from '../certificates/inlineData';
import { atLeast } from '../directives/versions';
import type { Finding } from './finding';
import type { RuleContext } from './ruleContext';
import { StringMemo } from '../model/stringMemo';

/**
 * What nginx does with a file, which decides how it is judged:
 * - `certificate`: a chain nginx SENDS to its peer (ssl_certificate, and proxy_/grpc_/uwsgi_ssl_certificate,
 *   the client certificate sent upstream): leaf first, every entry must be valid, order matters.
 * - `key`: the private key of that chain.
 * - `ca-bundle`: a trust store, a SET of anchors nginx verifies peers against (ssl_client_certificate,
 *   ssl_trusted_certificate, *_ssl_trusted_certificate): usable while one entry can anchor a chain.
 * - `crl`: revocation lists (*_crl).
 */
export type FileRole = 'certificate' | 'key' | 'ca-bundle' | 'crl' | 'password' | 'dhparam' | 'ticket-key' | 'ocsp-response';

/** `ssl` for the server side (ssl_*), the others for the connection to an upstream. */
export type TlsFamily = 'ssl' | 'proxy_ssl' | 'grpc_ssl' | 'uwsgi_ssl';

/** Every directive prefix of a TLS family (the longer prefixes first). */
export const TLS_FAMILIES: readonly TlsFamily[] = ['proxy_ssl', 'grpc_ssl', 'uwsgi_ssl', 'ssl'];

const SUFFIX_ROLES: Record<string, FileRole> = {
  certificate: 'certificate',
  certificate_key: 'key',
  client_certificate: 'ca-bundle',
  trusted_certificate: 'ca-bundle',
  crl: 'crl',
  password_file: 'password',
  dhparam: 'dhparam',
  session_ticket_key: 'ticket-key',
  stapling_file: 'ocsp-response',
};

export interface FileDirectiveInfo {
  family: TlsFamily;
  role: FileRole;
  /** The suffix after the family prefix, e.g. `trusted_certificate`. */
  suffix: string;
}

/** fileDirectiveInfo() answers by name (null: not a file directive); asked for every statement of every analysis. */
const infoByName = new Map<string, FileDirectiveInfo | null>();

/** Role and family of a file-valued TLS directive, or undefined for other directives. */
export function fileDirectiveInfo(name: string): FileDirectiveInfo | undefined {
  // Every TLS file directive has "ssl_" in its name: the rest are answered without a lookup.
  if (!name.includes('ssl_')) return undefined;
  let info = infoByName.get(name);
  if (info === undefined) {
    info = readFileDirectiveInfo(name) ?? null;
    // Names come from what users type: bounded like the other per-name caches.
    if (infoByName.size >= 4096) infoByName.clear();
    infoByName.set(name, info);
  }
  return info ?? undefined;
}

function readFileDirectiveInfo(name: string): FileDirectiveInfo | undefined {
  for (const family of TLS_FAMILIES) {
    if (!name.startsWith(family + '_')) continue;
    const suffix = name.slice(family.length + 1);
    const role = SUFFIX_ROLES[suffix];
    if (!role) return undefined;
    // Only the server side has these.
    if (family !== 'ssl' && (suffix === 'client_certificate' || suffix === 'dhparam' || suffix === 'session_ticket_key' || suffix === 'stapling_file')) return undefined;
    return Object.freeze({ family, role, suffix });
  }
  return undefined;
}

/** The names of the file directives whose files play one of `roles`. */
export function fileDirectivesOfRoles(...roles: FileRole[]): string[] {
  return TLS_FAMILIES.flatMap((family) => Object.keys(SUFFIX_ROLES).map((suffix) => `${family}_${suffix}`))
    .filter((name) => roles.includes(fileDirectiveInfo(name)?.role as FileRole));
}

export interface FileReference {
  node: ConfigNode;
  info: FileDirectiveInfo;
  arg: Word;
  written: string;
  /** The path as nginx prints it in errors: relative paths prefixed with the conf dir, unnormalized. */
  nginxPath?: string;
  /** Local absolute path, unless skipped. */
  resolved?: string;
  /** Why the file is not opened (`data:` value, variables, engine key…). */
  skipped?: string;
  /** True for inline PEM (`data:…`): `resolved` is then the value itself, never to be shown. */
  inline?: boolean;
}

/** Where a finding about a reference goes: the argument that names the file. */
export function referenceRange(ref: FileReference): Pick<Finding, 'file' | 'start' | 'end'> {
  return { file: ref.node.file.path, start: ref.arg.start, end: ref.arg.end };
}

/**
 * True when the file is a system trust store (as nginx names it on the server, or as it is read
 * here): the operating system writes it, so its entries are not the workspace's to judge.
 */
export function namesSystemTrustStore(ref: Pick<FileReference, 'nginxPath' | 'resolved'>): boolean {
  return isSystemTrustStore(ref.nginxPath) || isSystemTrustStore(ref.resolved);
}

/**
 * True when nginx reads this value as inline PEM (`data:…`, a certificate or key from
 * 1.15.10); it is then inspected like a file, from the value itself.
 */
export function readsInline(info: FileDirectiveInfo, arg: Word, targetVersion: string): boolean {
  return isInlineData(arg.value) && !arg.hasVariable && (info.role === 'certificate' || info.role === 'key') && atLeast(targetVersion, INLINE_DATA_SINCE);
}

/** Why nginx itself would not open this value as a file, if it would not (`inline`: the value is read as inline PEM). */
export function skipReason(arg: Word, inline = false): string | undefined {
  const value = arg.value;
  if (isInlineData(value) && !inline) {
    return arg.hasVariable ? 'the value is inline PEM data taken from a variable (data:$…), known only per handshake' : 'the value is inline PEM data (data:), not a file';
  }
  if (value.startsWith('engine:')) return 'the key is loaded from an OpenSSL engine (engine:), not a file';
  if (value.startsWith('store:')) return 'the key is loaded from an OpenSSL store (store:), not a file';
  if (arg.hasVariable) return 'the path contains variables; nginx resolves it per connection';
  return undefined;
}

/**
 * The printed paths made so far, per conf prefix: thousands of statements name the same few
 * files, and each joined path was two string pieces of its own (0.6 MB for the benchmark tree's
 * 10,800 references, issue #15).
 */
const printedPaths = new Map<string, StringMemo>();

/** A path as nginx prints it in its messages: relative paths after the conf prefix, unnormalized. */
export function nginxPrintedPath(written: string, context: RuleContext): string {
  if (written.startsWith('/')) return written;
  const confDir = context.tree.confDir;
  let printed = printedPaths.get(confDir);
  if (!printed) {
    const prefix = confDir.endsWith('/') ? confDir.slice(0, -1) : confDir;
    printedPaths.set(confDir, printed = new StringMemo((path) => `${prefix}/${path}`));
  }
  return printed.get(written);
}

/** References already collected in an analysis, by the node list they were collected from. */
const collected = new WeakMap<RuleContext, WeakMap<readonly ConfigNode[], FileReference[]>>();

/**
 * The file references among `nodes` (default: every statement of the tree), in their order.
 * Several families ask for those of the same list (the checked files' statements) in one
 * analysis: the list is walked once and the same result returned, which callers must not modify.
 */
export function collectFileReferences(context: RuleContext, nodes: readonly ConfigNode[] = depthFirstNodes(context.tree.nodes)): FileReference[] {
  // A list of one statement is asked for once: not worth remembering.
  if (nodes.length <= 1) return referencesAmong(context, nodes);
  let byList = collected.get(context);
  if (!byList) collected.set(context, byList = new WeakMap());
  let refs = byList.get(nodes);
  if (!refs) {
    refs = referencesAmong(context, nodes);
    byList.set(nodes, refs);
  }
  return refs;
}

function referencesAmong(context: RuleContext, nodes: readonly ConfigNode[]): FileReference[] {
  const refs: FileReference[] = [];
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    const info = fileDirectiveInfo(node.directive.name);
    if (!info || node.directive.args.length === 0) continue;
    // ssl_password_file takes one file; the others too: nginx refuses extra arguments anyway.
    const arg = node.directive.args[0];
    if (readsInline(info, arg, context.settings.targetVersion)) {
      // The value itself is what gets inspected; messages name it by a label only (it may be a key).
      refs.push({ node, info, arg, written: INLINE_DATA_LABEL, nginxPath: INLINE_DATA_LABEL, inline: true, resolved: arg.value });
      continue;
    }
    const skipped = skipReason(arg);
    const nginxPath = nginxPrintedPath(arg.value, context);
    refs.push({ node, info, arg, written: arg.value, nginxPath, skipped, resolved: skipped ? undefined : context.resolvePath(arg.value) });
  }
  return refs;
}

/** True when the location's proxy_pass (or grpc_pass/uwsgi_pass) speaks TLS to the upstream, so nginx loads the family's files. */
export function upstreamUsesTls(block: ConfigNode | undefined, family: TlsFamily): boolean {
  if (!block) return false;
  const stack: ConfigNode[] = [block];
  while (stack.length > 0) {
    const scope = stack.pop() as ConfigNode;
    for (const child of scope.children) {
      const name = child.directive.name;
      if (passesOverTls(child, family)) return true;
      if (name === 'proxy_ssl' && family === 'proxy_ssl' && isOnWord(child.directive.args[0]?.value)) return true;
      if (child.children.length > 0 && (name === 'location' || name === 'if' || name === 'limit_except')) stack.push(child);
    }
  }
  return false;
}

/**
 * True for a pass statement of `family`'s module to a TLS upstream (https://, grpcs://,
 * suwsgi://), or to one named by a variable, for which nginx prepares TLS as well.
 */
export function passesOverTls(node: ConfigNode, family: TlsFamily): boolean {
  const passName = family === 'proxy_ssl' ? 'proxy_pass' : family === 'grpc_ssl' ? 'grpc_pass' : family === 'uwsgi_ssl' ? 'uwsgi_pass' : '';
  if (!passName || node.directive.name !== passName) return false;
  const target = node.directive.args[0];
  if (!target) return false;
  if (target.hasVariable) return true;
  if (family === 'proxy_ssl') return /^https:\/\//i.test(target.value);
  if (family === 'grpc_ssl') return /^grpcs:\/\//i.test(target.value);
  return /^suwsgi:\/\//i.test(target.value);
}
