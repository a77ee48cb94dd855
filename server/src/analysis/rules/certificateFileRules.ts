/**
 * Certificate file rules: each certificate, key, CA bundle, CRL and password file named by
 * an `ssl_*`, `proxy_ssl_*`, `grpc_ssl_*` or `uwsgi_ssl_*` directive is opened and judged on
 * its own: missing, not PEM, expired, weak, encrypted without a password, readable by others.
 * Where nginx would refuse to load it, the message quotes what `nginx -t` prints.
 */
import { readRegularFileBounded } from '../../model/fileSystem';
import { passwordFileFix } from '../fixes/passwordFile';
import { ServerCommands } from '../../../../common/protocol';
import type { CertificateInfo, InspectedFile } from '../../certificates/certificateTypes';
import { WEAK_SIGNATURE_ALGORITHMS } from '../../certificates/oids';
import { assessTrustStore, lastExpiry } from '../../certificates/trustStores';
import type { Finding, RuleMeta } from '../finding';
import { unknownConfPrefix, type ConfigNode } from '../../model/configTree';
import { nginxRefuses } from '../nginxWording';
import { notOnThisMachine } from '../notOnThisMachine';
import { inspectionKey, type FindingDetail, type RuleContext, type RuleFamily } from '../ruleContext';
import { focusOf } from '../analysisFocus';
import { certificateLoad } from '../certificateLoading';
import { effective, isOn, isOnWord, levelsFor, levelsIncomplete, writes, type EffectiveOptions } from '../../model/effectiveConfig';
import { effectiveOptions } from './tlsRuleSupport';
import {
  collectFileReferences,
  fileDirectivesOfRoles,
  namesSystemTrustStore,
  referenceRange,
  TLS_FAMILIES,
  passesOverTls,
  upstreamUsesTls,
  type FileReference,
  type FileRole,
} from '../tlsFileReferences';
import { unreadBut, UPSTREAM_VERIFY_SWITCHES } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'tls.file-not-found', category: 'certificate', severity: 'error', title: 'Certificate, key or CA file missing or unreadable', nginxRefuses: true },
  { code: 'tls.handshake-file-not-found', category: 'certificate', severity: 'warning', title: 'Certificate or key nginx opens per handshake is missing or unreadable', nginxRefuses: false },
  { code: 'tls.file-not-loaded', category: 'certificate', severity: 'information', title: 'Missing certificate or key that nginx never opens', nginxRefuses: false },
  { code: 'tls.not-pem', category: 'certificate', severity: 'error', title: 'File is not in the PEM form nginx reads', nginxRefuses: true },
  { code: 'tls.cert-validity', category: 'certificate', severity: 'warning', title: 'Certificate expired, not yet valid or expiring soon', nginxRefuses: false },
  { code: 'tls.encrypted-key-no-password', category: 'certificate', severity: 'error', title: 'Encrypted key without a working password file', nginxRefuses: true, preferredFix: true },
  { code: 'tls.weak-key-signature', category: 'certificate', severity: 'warning', title: 'Weak key size or signature algorithm', nginxRefuses: false },
  { code: 'tls.private-key-exposure', category: 'certificate', severity: 'warning', title: 'Private key readable by group or others', nginxRefuses: false },
  { code: 'mtls.ca-bundle-unusable', category: 'certificate', severity: 'warning', title: 'Trust store with no usable CA certificate, or with a private key', nginxRefuses: false },
  { code: 'tls.file-not-inspected', category: 'certificate', severity: 'information', title: 'File too large to inspect', nginxRefuses: false },
  { code: 'tls.file-not-on-this-machine', category: 'certificate', severity: 'information', title: 'File only the production host has: not checked', nginxRefuses: false },
  { code: 'tls.file-not-checked', category: 'certificate', severity: 'information', title: 'Relative file path not checked: the conf prefix is unknown', nginxRefuses: false },
];

const DAY = 86_400_000;

export interface LoadDecision {
  /** True when `nginx -t` opens this file with the configuration as it is. */
  loads: boolean;
  /**
   * Why it does not open it, when not because a setting is off: `handshake` (nginx opens it
   * during each handshake), `never` (nothing in the configuration takes it), `if-inherited`
   * (an http/stream-level certificate of a snippet: only servers elsewhere could take it).
   */
  when?: 'handshake' | 'never' | 'if-inherited';
  /** Why it does not, for the message. */
  why?: string;
}

/** Whether nginx opens the file when it loads the configuration (see the merge functions of the ssl and proxy modules). */
export function nginxLoads(ref: FileReference, context: RuleContext): LoadDecision {
  const block = ref.node.parent;
  const { family, role, suffix } = ref.info;
  if (role === 'password') return { loads: true };
  const setting = (name: string): string | undefined => effective(ref.node, name, context.tree, effectiveOptions(context)).args[0];
  const upstream = family === 'proxy_ssl' ? 'https' : family === 'grpc_ssl' ? 'grpcs' : 'suwsgi';
  const unused: LoadDecision = { loads: false, why: `no ${upstream} upstream uses it here` };
  if (role === 'certificate' || role === 'key') {
    const load = certificateLoad(ref.node, context);
    if (load?.when === 'startup') return { loads: true };
    if (load?.when === 'unused') return unused;
    if (load?.when === 'if-inherited') return { loads: false, when: 'if-inherited', why: `it is written at the ${ref.node.context} level, where nginx opens it only for the servers that inherit it, and no server in this file does` };
    if (load?.when === 'handshake') return { loads: false, when: 'handshake', why: `${statementText(load.because)} has a variable, so nginx opens the certificates and keys loaded with it during each handshake, not at startup` };
    if (load?.when === 'never') return { loads: false, when: 'never', why: neverLoadedReason(ref, load.because) };
  }
  if (family === 'ssl') {
    if (suffix === 'client_certificate') {
      return setting('ssl_verify_client') === 'off' ? { loads: false, why: 'ssl_verify_client is off, so nginx does not read the client CA file' } : { loads: true };
    }
    if (role === 'ocsp-response') {
      return setting('ssl_stapling') === 'on' ? { loads: true } : { loads: false, why: 'ssl_stapling is off' };
    }
    return { loads: true };
  }
  const stream = ref.node.context.startsWith('stream');
  const verifyOff: LoadDecision = { loads: false, why: `${family}_verify is off, so nginx does not read it` };
  if ((role === 'ca-bundle' || role === 'crl') && block) {
    const use = upstreamFileUse(ref, block, stream, context);
    return use === 'verified' ? { loads: true } : use === 'unverified' ? verifyOff : unused;
  }
  const tls = stream ? isOnWord(setting('proxy_ssl')) : upstreamUsesTls(block, family) || (block === undefined);
  if (!tls) return unused;
  if ((role === 'ca-bundle' || role === 'crl') && !isOnWord(setting(`${family}_verify`))) return verifyOff;
  return { loads: true };
}

/** Blocks whose locations can take an upstream CA or CRL statement from the block around them. */
const TAKING_BLOCKS = new Set(['server', 'location', 'if', 'limit_except']);

/**
 * Who takes an upstream CA or CRL statement. nginx reads the file in the merge of each place that
 * connects to its upstream with TLS, with the file and the verify setting that place ends up with
 * (ngx_http_proxy_set_ssl, ngx_stream_proxy_set_ssl): a location (or `if`, `limit_except`) that
 * passes to a TLS upstream of the module, a stream server whose proxy_ssl is on. Neither the
 * statement's own level nor its verify setting decides: an http-level CA file is read for the
 * locations below that verify, and a server-level one is not read when the only TLS location turns
 * verification off. `verified`: such a place takes this very statement and verifies; `unverified`:
 * some take it, none verifies; `unused`: none takes it. A place below an include that could not be
 * read is left out (it may set its own file).
 */
function upstreamFileUse(ref: FileReference, block: ConfigNode, stream: boolean, context: RuleContext): 'verified' | 'unverified' | 'unused' {
  const name = ref.node.directive.name;
  const options = effectiveOptions(context);
  const places = stream ? streamTlsServers(block, context, options) : tlsPassesTaking(block, ref);
  let taken = false;
  for (const place of places) {
    if (levelsIncomplete(levelsFor(place, context.tree)) || !effective(place, name, context.tree, options).nodes.includes(ref.node)) continue;
    taken = true;
    if (isOn(effective(place, `${ref.info.family}_verify`, context.tree, options))) return 'verified';
  }
  return taken ? 'unverified' : 'unused';
}

/** The TLS pass statements of the module at `block` and below, but in blocks that set their own file. */
function* tlsPassesTaking(block: ConfigNode, ref: FileReference): Generator<ConfigNode> {
  const name = ref.node.directive.name;
  const stack: ConfigNode[] = [block];
  while (stack.length > 0) {
    const scope = stack.pop() as ConfigNode;
    for (const child of scope.children) {
      if (passesOverTls(child, ref.info.family)) yield child;
      // A block that sets its own file passes this one on to none of its locations.
      else if (child.children.length > 0 && TAKING_BLOCKS.has(child.directive.name) && !writes(child, name)) stack.push(child);
    }
  }
}

/**
 * The stream servers at or below `block` whose proxy_ssl ends up on (nginx sets up TLS for no
 * other, and never for the stream block itself), each as its first statement: a statement of the
 * server has its levels.
 */
function* streamTlsServers(block: ConfigNode, context: RuleContext, options: EffectiveOptions): Generator<ConfigNode> {
  const servers = block.directive.name === 'server' ? [block] : block.children.filter((c) => c.directive.name === 'server');
  for (const server of servers) {
    const inside = server.children[0];
    if (inside && isOn(effective(inside, 'proxy_ssl', context.tree, options))) yield inside;
  }
}

/** The statement as written, for messages: `ssl_certificate_key $name.key`. */
function statementText(node: ConfigNode | undefined): string {
  if (!node) return 'a certificate or key of the same server';
  return `"${[node.directive.name, ...node.directive.args.map((a) => a.value)].join(' ')}"`;
}

function neverLoadedReason(ref: FileReference, lastCertificate: ConfigNode | undefined): string {
  const name = ref.node.directive.name;
  if (lastCertificate) {
    return `nginx pairs each ${name} with the ${ref.info.family}_certificate in the same position and this one comes after the last certificate, ${statementText(lastCertificate)}`;
  }
  return `no server or TLS path takes it: each one that could inherit it sets its own ${name}, or has no certificate`;
}

/** What happens with a file nginx does not open at startup, as a sentence for the message. */
function laterFailure(load: LoadDecision): string {
  if (load.when === 'handshake') return `nginx -t and reloads succeed because ${load.why}; the handshakes that need it fail.`;
  if (load.when === 'never') return `This breaks nothing today (${load.why}), but it will once a server takes it.`;
  if (load.when === 'if-inherited') return `nginx -t passes as long as no server inherits it (${load.why}); it fails as soon as one in another file does, which this file alone cannot show.`;
  return `nginx does not read it yet (${load.why}), but will fail once it does.`;
}

/** nginx's own error text for a file it cannot open or parse, by role and directive. */
function nginxLoadError(ref: FileReference, problem: 'open' | 'parse'): string {
  const p = ref.nginxPath ?? ref.written;
  switch (ref.info.role) {
    case 'certificate':
      return problem === 'open' ? `cannot load certificate "${p}": BIO_new_file() failed` : `cannot load certificate "${p}": PEM_read_bio_X509_AUX() failed`;
    case 'key':
      return problem === 'open' ? `cannot load certificate key "${p}": BIO_new_file() failed` : `cannot load certificate key "${p}": PEM_read_bio_PrivateKey() failed`;
    case 'ca-bundle':
      return `SSL_CTX_load_verify_locations("${p}") failed`;
    case 'crl':
      return `X509_LOOKUP_load_file("${p}") failed`;
    case 'dhparam':
    case 'ocsp-response':
      return `BIO_new_file("${p}") failed`;
    case 'password':
    case 'ticket-key':
      return `open() "${p}" failed (2: No such file or directory)`;
  }
}

const ROLE_NAMES: Record<FileRole, string> = {
  certificate: 'certificate',
  key: 'private key',
  'ca-bundle': 'CA bundle',
  crl: 'CRL',
  password: 'password file',
  dhparam: 'DH parameters file',
  'ticket-key': 'session ticket key',
  'ocsp-response': 'OCSP response file',
};

const KIND_EXPLANATIONS: Record<string, string> = {
  'der-certificate': 'The file is a DER (binary) certificate; nginx reads PEM only. Convert it with: openssl x509 -inform der -in FILE -out FILE.pem',
  'der-private-key': 'The file is a DER (binary) private key; nginx reads PEM only. Convert it with: openssl pkey -inform der -in FILE -out FILE.pem',
  pkcs12: 'The file is a PKCS#12 (.p12/.pfx) archive; nginx needs the certificate and the key as separate PEM files (openssl pkcs12 -in FILE -nokeys / -nocerts -nodes).',
  pkcs7: 'The file is a PKCS#7 bundle; extract the certificates as PEM with: openssl pkcs7 -print_certs -in FILE',
  'der-csr': 'The file is a certificate signing request, not a certificate.',
  'der-other': 'The file is binary DER data that is not a certificate.',
  empty: 'The file is empty.',
  text: 'The file has no PEM block ("-----BEGIN …-----") in it.',
  binary: 'The file is binary data, not PEM.',
};

function resolvedNote(ref: FileReference): string {
  return !ref.inline && ref.resolved && ref.resolved !== ref.written ? ` (read from ${ref.resolved})` : '';
}

export const certificateFileRules: RuleFamily = {
  name: 'certificate-files',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_stapling', 'ssl_trusted_certificate', 'proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify'),
  argumentsReadAsSwitch: UPSTREAM_VERIFY_SWITCHES,
  // Each reference is judged on its own, but for certificates and keys (a list's other members
  // and a key's password file decide how nginx loads them): the path of a CA or CRL file counts
  // only for the findings on its own statement.
  argumentsReadInPlace: new Set(fileDirectivesOfRoles('ca-bundle', 'crl')),
  // Whether nginx loads a file written in a server depends on that server's certificate lists and
  // passes only; one written at the http or stream level, on every server below it.
  serverLocal: true,
  // Whether nginx reads an upstream CA or CRL file depends on the module's verify setting, and
  // a stapling response file on ssl_stapling (nginxLoads); nothing else the family judges does.
  argumentsReadFor: new Map([
    ...TLS_FAMILIES.filter((family) => family !== 'ssl').map((family): [string, ReadonlySet<string>] => [`${family}_verify`, new Set(fileDirectivesOfRoles('ca-bundle', 'crl').filter((name) => name.startsWith(`${family}_`)))]),
    ['ssl_stapling', new Set(fileDirectivesOfRoles('ocsp-response'))],
  ]),
  async run(context: RuleContext): Promise<Finding[]> {
    const only = context.onlyDirectives;
    const focused = focusOf(context).nodes;
    const nodes = only ? focused.filter((n) => only.has(n.directive.name)) : focused;
    const refs = collectFileReferences(context, nodes).filter((r) => r.resolved);
    const findings: Finding[] = [];
    const passwordTexts = new Map<string, string | undefined>();
    const passwords = refs.map((ref) => (ref.info.role === 'key' ? passwordsFor(ref, context, passwordTexts) : undefined));
    const inspections = inspectAhead(refs.map((ref, i) => ({ path: ref.resolved as string, passphrases: passwords[i]?.values })), context);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i];
      const resolved = ref.resolved as string;
      const load = nginxLoads(ref, context);
      const passphrases = passwords[i];
      const inspected = await inspections.next(i);
      if (unknownBase(ref, inspected, context)) {
        findings.push({ code: 'tls.file-not-checked', ...referenceRange(ref), message: `${unknownConfPrefix(ref.written)}.` });
        continue;
      }
      const own: Finding[] = [...checkOpen(ref, inspected, load, context)];
      if (inspected.kind === 'too-large') {
        own.push({ code: 'tls.file-not-inspected', ...referenceRange(ref), message: `Not inspected: ${inspected.error ?? 'the file is larger than 1 MiB'}.` });
      } else if (inspected.kind !== 'missing' && inspected.kind !== 'unreadable' && inspected.kind !== 'directory' && inspected.kind !== 'not-regular') {
        if (ref.info.role === 'certificate') own.push(...checkCertificateFile(ref, inspected, load, context));
        else if (ref.info.role === 'key') own.push(...await withPasswordFileFix(checkKeyFile(ref, inspected, load, passphrases, context), ref, resolved, passphrases, context));
        else if (ref.info.role === 'ca-bundle') own.push(...checkCaBundle(ref, inspected, load, context));
      }
      // Every finding names the file it read, resolved the way nginx resolves the path.
      for (const finding of own) {
        // A file nginx never opens breaks nothing: what is wrong with it is worth a note only.
        if (load.when === 'never') {
          finding.severity = 'information';
          finding.nginxRefuses = false;
        }
        // An inline value is never echoed: for a key it is the key itself.
        if (!ref.inline && !finding.message.includes(resolved)) finding.message += ` (file: ${resolved})`;
        findings.push(finding);
      }
    }
    return findings;
  },
};

/** How many certificate files a check reads at once (see inspectAhead). */
export const FILES_READ_AT_ONCE = 8;

/**
 * The inspections of `wanted`, in order, asked of `context.inspect` up to FILES_READ_AT_ONCE
 * distinct files ahead of the one awaited: reading a file from disk waits for the thread pool,
 * and one file at a time, the first check of the bench's tree waited 70-110 ms for its 82 files,
 * one after another; reading ahead, the family took 210-273 ms instead of 237-284 (eight cold
 * in-process runs each, issue #15). The bound keeps a tree that names thousands of files from
 * opening them all at once. The same file with the same passphrases is asked for once.
 */
export function inspectAhead(wanted: readonly { path: string; passphrases?: string[] }[], context: Pick<RuleContext, 'inspect'>): { next(index: number): Promise<InspectedFile> } {
  const keys = wanted.map(({ path, passphrases }) => inspectionKey(path, passphrases ? { passphrases } : undefined));
  /** Each distinct key's rank in the order of first use, and where it is first used. */
  const rank = new Map<string, number>();
  const firstUse: number[] = [];
  keys.forEach((key, i) => {
    if (rank.has(key)) return;
    rank.set(key, firstUse.length);
    firstUse.push(i);
  });
  const asked = new Map<string, Promise<InspectedFile>>();
  let unasked = 0;
  return {
    next(index: number): Promise<InspectedFile> {
      const upTo = (rank.get(keys[index]) as number) + FILES_READ_AT_ONCE;
      for (; unasked < firstUse.length && unasked < upTo; unasked++) {
        const { path, passphrases } = wanted[firstUse[unasked]];
        const inspection = context.inspect(path, passphrases ? { passphrases } : undefined);
        // One asked ahead and never awaited (the family stopped) must not fail the process.
        inspection.catch(() => undefined);
        asked.set(keys[firstUse[unasked]], inspection);
      }
      return asked.get(keys[index]) as Promise<InspectedFile>;
    },
  };
}

/** A relative path missing from a stand-in conf prefix (the tree's confDir is a guess). */
function unknownBase(ref: FileReference, inspected: InspectedFile, context: RuleContext): boolean {
  return context.tree.confDirUnknown && !ref.written.startsWith('/') && inspected.kind === 'missing';
}

function checkOpen(ref: FileReference, inspected: InspectedFile, load: LoadDecision, context: RuleContext): Finding[] {
  const kind = inspected.kind;
  if (kind !== 'missing' && kind !== 'unreadable' && kind !== 'directory' && kind !== 'not-regular') return [];
  if (kind === 'missing' && !context.isKnownLocation(ref.written)) {
    return [notOnThisMachine({ code: 'tls.file-not-on-this-machine', ...referenceRange(ref), written: ref.written, unchecked: `the ${ROLE_NAMES[ref.info.role]}`, surface: context.surface, reportOnly: context.reportOnly })];
  }
  const what = kind === 'missing' ? 'The file does not exist' : kind === 'directory' ? 'The path is a directory' : kind === 'not-regular' ? 'The path is not a regular file' : `The file cannot be read (${inspected.error ?? 'permission denied'})`;
  const hint = ref.written.startsWith('/') ? '' : ' Relative paths are resolved against the directory of the main nginx.conf, not the including file.';
  if (load.loads) {
    return [{ code: 'tls.file-not-found', ...referenceRange(ref), nginxRefuses: true, message: nginxRefuses(nginxLoadError(ref, 'open'), `${what}${resolvedNote(ref)}.${hint}`) }];
  }
  const code = load.when === 'handshake' ? 'tls.handshake-file-not-found' : load.when === 'never' ? 'tls.file-not-loaded' : 'tls.file-not-found';
  return [{ code, severity: load.when === 'never' ? 'information' : 'warning', ...referenceRange(ref), message: `${what}${resolvedNote(ref)}. ${laterFailure(load)}${hint}` }];
}

function notPem(ref: FileReference, inspected: InspectedFile, load: LoadDecision, explanation: string, context: FindingDetail): Finding {
  if (ref.inline) explanation = explanation.replace(/^The file/, 'The inline value (data:)');
  const fix = !context.reportOnly && !ref.inline && (inspected.kind === 'der-certificate' || inspected.kind === 'der-private-key')
    ? [{ title: `Convert ${ref.written} to PEM`, safe: false, preferred: true, edits: [], command: { command: ServerCommands.convertToPem, arguments: [ref.resolved, ref.node.file.path, ref.arg.start, ref.arg.end] } }]
    : undefined;
  const base = { code: 'tls.not-pem', ...referenceRange(ref), fixes: fix } as Finding;
  const stem = ref.written.replace(/\.(der|crt|cer|key|pem|p12|pfx|p7b)$/i, '');
  const text = explanation.replace(/FILE\.pem/g, `${stem}.pem`).replace(/FILE/g, ref.written);
  if (load.loads) return { ...base, nginxRefuses: true, message: nginxRefuses(nginxLoadError(ref, 'parse'), text) };
  return { ...base, severity: 'warning', message: `${text} ${laterFailure(load)}` };
}

function checkCertificateFile(ref: FileReference, inspected: InspectedFile, load: LoadDecision, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  if (inspected.kind !== 'pem') {
    findings.push(notPem(ref, inspected, load, KIND_EXPLANATIONS[inspected.kind] ?? 'The file is not PEM.', context));
    return findings;
  }
  if (inspected.certificates.length === 0) {
    const labels = inspected.pemLabels;
    const explanation = labels.some((l) => l.includes('PRIVATE KEY'))
      ? 'The file holds a private key but no certificate: is the certificate and key swapped?'
      : labels.some((l) => l.includes('REQUEST'))
        ? 'The file holds a certificate signing request (CSR), not a certificate.'
        : `The file has no certificate in it (PEM blocks: ${labels.join(', ') || 'none'}).`;
    findings.push(notPem(ref, inspected, load, explanation, context));
    return findings;
  }
  findings.push(...validityFindings(ref, inspected.certificates.slice(0, 1), context, true));
  findings.push(...validityFindings(ref, inspected.certificates.slice(1), context, false));
  findings.push(...weakFindings(ref, inspected.certificates));
  return findings;
}

function validityFindings(ref: FileReference, certificates: CertificateInfo[], context: RuleContext, leaf: boolean): Finding[] {
  const findings: Finding[] = [];
  const now = context.now.getTime();
  const warnDays = context.settings.certificateExpiryWarningDays;
  for (const cert of certificates) {
    const notAfter = Date.parse(cert.notAfter);
    const notBefore = Date.parse(cert.notBefore);
    const who = `${leaf ? 'The certificate' : 'Chain certificate'} "${cert.subject}"`;
    if (notAfter < now) {
      const days = Math.floor((now - notAfter) / DAY);
      findings.push({ code: 'tls.cert-validity', severity: 'error', ...referenceRange(ref), message: `${who} expired on ${cert.notAfter.slice(0, 10)} (${days} day${days === 1 ? '' : 's'} ago). nginx still loads it, but every TLS peer rejects it.` });
    } else if (notBefore > now) {
      findings.push({ code: 'tls.cert-validity', severity: 'error', ...referenceRange(ref), message: `${who} is not valid before ${cert.notBefore.slice(0, 10)}. Peers reject it until then (is the clock of the issuing machine wrong?).` });
    } else if (notAfter - now < warnDays * DAY) {
      const days = Math.floor((notAfter - now) / DAY);
      findings.push({ code: 'tls.cert-validity', severity: 'warning', ...referenceRange(ref), message: `${who} expires on ${cert.notAfter.slice(0, 10)}, in ${days} day${days === 1 ? '' : 's'}.` });
    }
  }
  return findings;
}

function weakFindings(ref: FileReference, certificates: CertificateInfo[]): Finding[] {
  const findings: Finding[] = [];
  for (const cert of certificates) {
    if ((cert.keyAlgorithm === 'RSA' || cert.keyAlgorithm === 'DSA') && cert.keySize !== undefined && cert.keySize < 2048) {
      findings.push({ code: 'tls.weak-key-signature', ...referenceRange(ref), message: `"${cert.subject}" has a ${cert.keySize}-bit ${cert.keyAlgorithm} key; use at least 2048 bits (or ECDSA P-256).` });
    }
    if (!cert.selfSigned && WEAK_SIGNATURE_ALGORITHMS.has(cert.signatureAlgorithm)) {
      findings.push({ code: 'tls.weak-key-signature', ...referenceRange(ref), message: `"${cert.subject}" is signed with ${cert.signatureAlgorithm}; current TLS clients reject SHA-1 and MD5 signatures.` });
    }
  }
  return findings;
}

interface Passwords {
  node?: ConfigNode;
  values: string[];
  /** False when the password file is configured but could not be read. */
  readable: boolean;
}

/** The passphrases nginx would try: each line of the effective `*_password_file` (`texts`: the files read so far in this run). */
function passwordsFor(ref: FileReference, context: RuleContext, texts: Map<string, string | undefined>): Passwords | undefined {
  const name = `${ref.info.family}_password_file`;
  // nginx refuses a second password file at one level ("is duplicate"); the last one is kept as before.
  const found = effective(ref.node, name, context.tree, effectiveOptions(context)).nodes;
  const node = found[found.length - 1];
  const arg = node?.directive.args[0];
  if (!node || !arg) return undefined;
  if (arg.hasVariable) return undefined;
  const resolved = context.resolvePath(arg.value);
  // Every key of a server usually names the same password file: read once per run.
  if (!texts.has(resolved)) texts.set(resolved, readSmallText(resolved));
  const text = texts.get(resolved);
  if (text === undefined) return { node, values: [], readable: false };
  const values = text.split(/\r?\n/).filter((line) => line.length > 0).slice(0, 64);
  return { node, values, readable: true };
}

/** A password file's text; files under /proc report size 0, so the bound is on the bytes read. */
function readSmallText(filePath: string): string | undefined {
  const read = readRegularFileBounded(filePath, 64 * 1024);
  return 'bytes' in read ? read.bytes.toString('utf8') : undefined;
}

/** An encrypted key with no password file in effect gets one that opens it, when one lies beside it. */
async function withPasswordFileFix(findings: Finding[], ref: FileReference, resolved: string, passwords: Passwords | undefined, context: RuleContext): Promise<Finding[]> {
  const missing = findings.find((f) => f.code === 'tls.encrypted-key-no-password');
  if (!missing || passwords || context.reportOnly) return findings;
  const fix = await passwordFileFix(context, ref.node, ref.written, resolved, `${ref.info.family}_password_file`);
  if (fix) missing.fixes = [fix];
  return findings;
}

function checkKeyFile(ref: FileReference, inspected: InspectedFile, load: LoadDecision, passwords: Passwords | undefined, context: FindingDetail): Finding[] {
  const findings: Finding[] = [];
  if (inspected.kind !== 'pem') {
    findings.push(notPem(ref, inspected, load, KIND_EXPLANATIONS[inspected.kind] ?? 'The file is not a PEM private key.', context));
    return findings;
  }
  if (inspected.keys.length === 0) {
    const explanation = inspected.certificates.length > 0
      ? 'The file holds a certificate but no private key: are the certificate and key swapped?'
      : `The file has no private key in it (PEM blocks: ${inspected.pemLabels.join(', ') || 'none'}).`;
    findings.push(notPem(ref, inspected, load, explanation, context));
    return findings;
  }
  const key = inspected.keys[0];
  if (key.encrypted) {
    const directive = `${ref.info.family}_password_file`;
    if (!passwords) {
      findings.push({
        code: 'tls.encrypted-key-no-password', ...referenceRange(ref), nginxRefuses: load.loads,
        severity: load.loads ? 'error' : 'warning',
        message: load.loads
          ? nginxRefuses(nginxLoadError(ref, 'parse'), `The key is encrypted and no "${directive}" is in effect; nginx -t would also stop and ask for the passphrase on a terminal.`)
          : `The key is encrypted and no "${directive}" is in effect.`,
      });
    } else if (passwords.readable && key.passphraseAccepted === false) {
      findings.push({
        code: 'tls.encrypted-key-no-password', ...referenceRange(ref), nginxRefuses: load.loads, severity: load.loads ? 'error' : 'warning',
        message: load.loads
          ? nginxRefuses(nginxLoadError(ref, 'parse'), `None of the ${passwords.values.length} line${passwords.values.length === 1 ? '' : 's'} of the "${directive}" file opens this encrypted key (wrong passphrase).`)
          : `None of the lines of the "${directive}" file opens this encrypted key (wrong passphrase).`,
      });
    } else if (passwords.readable && key.passphraseAccepted === undefined && key.error) {
      // Decryption was refused (e.g. a hostile key-derivation cost): say so instead of staying silent.
      findings.push({ code: 'tls.file-not-inspected', ...referenceRange(ref), message: `Not inspected: ${key.error}.` });
    }
  }
  if (ref.inline) {
    findings.push({
      code: 'tls.private-key-exposure', ...referenceRange(ref),
      message: 'The private key is written into the configuration itself (data:): whoever can read the configuration, its backups, its repository or the output of "nginx -T" has the key, and nginx echoes the value in its error message when it cannot load it. Keep the key in a file only root can read.',
    });
  }
  if (inspected.mode !== undefined && (inspected.mode & 0o077) !== 0 && ref.resolved) {
    const mode = inspected.mode.toString(8).padStart(3, '0');
    findings.push({
      code: 'tls.private-key-exposure', ...referenceRange(ref),
      message: `The private key file is readable by ${inspected.mode & 0o007 ? 'everyone' : 'its group'} (mode ${mode}). Restrict it: chmod 600 '${ref.resolved.replace(/'/g, "'\\''")}' (nginx reads keys as root before dropping privileges).`,
    });
  }
  return findings;
}

function checkCaBundle(ref: FileReference, inspected: InspectedFile, load: LoadDecision, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  if (inspected.kind !== 'pem') {
    findings.push(notPem(ref, inspected, load, KIND_EXPLANATIONS[inspected.kind] ?? 'The file is not a PEM CA bundle.', context));
    return findings;
  }
  if (inspected.certificates.length === 0) {
    if (inspected.crls && inspected.crls.length > 0) return findings;
    findings.push(notPem(ref, inspected, load, `The file has no certificate in it (PEM blocks: ${inspected.pemLabels.join(', ') || 'none'}).`, context));
    return findings;
  }
  if (inspected.keys.length > 0) {
    findings.push({ code: 'mtls.ca-bundle-unusable', severity: 'warning', ...referenceRange(ref), message: 'The CA bundle also contains a private key. CA files are often copied and shared: keep private keys out of them.' });
  }
  findings.push(...trustStoreValidity(ref, inspected, load, context));
  return findings;
}

/**
 * A trust store is judged as a set: OpenSSL picks an anchor that is valid at handshake time,
 * so only a store without any usable anchor breaks verification. Stale entries are worth a
 * note in a bundle the workspace maintains, and nothing in one the operating system writes.
 */
function trustStoreValidity(ref: FileReference, inspected: InspectedFile, load: LoadDecision, context: RuleContext): Finding[] {
  const store = assessTrustStore(inspected.certificates, inspected.certificateCount, context.now, context.settings.certificateExpiryWarningDays);
  if (!store.complete && store.usable.length === 0) return [];
  const names = (certs: readonly CertificateInfo[]): string => certs.map((c) => `"${c.subject}"`).slice(0, 3).join(', ') + (certs.length > 3 ? ` and ${certs.length - 3} more` : '');
  if (store.anchors.length === 0) {
    return [{ code: 'mtls.ca-bundle-unusable', ...referenceRange(ref), message: `The bundle holds no CA certificate (${names(inspected.certificates)} ${inspected.certificates.length === 1 ? 'is' : 'are'} neither CA:TRUE nor self-signed). Verification needs a trust anchor: point this at the issuing CA's certificate.` }];
  }
  if (store.usable.length === 0) {
    // Every verification then fails: OpenSSL checks the validity of the trust anchor too.
    const states = store.stale.map(({ certificate: c, state }) => `"${c.subject}" ${state === 'expired' ? `expired on ${c.notAfter.slice(0, 10)}` : `is not valid before ${c.notBefore.slice(0, 10)}`}`);
    const failure = store.stale.some((s) => s.state === 'expired') ? 'certificate has expired' : 'certificate is not yet valid';
    const verifies = verificationRole(ref, context);
    const severity = load.loads && verifies.certain ? 'error' : 'warning';
    const later = load.loads ? '' : ` nginx does not read it yet (${load.why}), but will once it does.`;
    return [{
      code: 'mtls.ca-bundle-unusable', severity, ...referenceRange(ref),
      message: `No certificate in this trust store is valid now (${states.slice(0, 3).join('; ')}${states.length > 3 ? `; and ${states.length - 3} more` : ''}). OpenSSL also checks the dates of the trust anchor, so ${verifies.consequence} ("${failure}").${later}`,
    }];
  }
  if (namesSystemTrustStore(ref)) return [];
  const now = context.now.getTime();
  const lastDay = lastExpiry(store.usable) as string;
  if (Date.parse(lastDay) - now < context.settings.certificateExpiryWarningDays * DAY) {
    const days = Math.floor((Date.parse(lastDay) - now) / DAY);
    return [{ code: 'tls.cert-validity', severity: 'warning', ...referenceRange(ref), message: `Every usable CA certificate in this trust store expires by ${lastDay.slice(0, 10)}, in ${days} day${days === 1 ? '' : 's'} (${names(store.usable)}); after that, ${verificationRole(ref, context).consequence}. Add the renewed CA certificate to the file.` }];
  }
  if (store.stale.length === 0) return [];
  const described = store.stale.map(({ certificate: c, state }) => `"${c.subject}" ${state === 'expired' ? `expired on ${c.notAfter.slice(0, 10)}` : state === 'not-yet-valid' ? `is not valid before ${c.notBefore.slice(0, 10)}` : `expires on ${c.notAfter.slice(0, 10)}`}`);
  const valid = store.usable.filter((c) => !store.stale.some((s) => s.certificate === c));
  return [{
    code: 'tls.cert-validity', severity: 'information', ...referenceRange(ref),
    message: `${store.stale.length} of the ${store.anchors.length} trusted certificates in this bundle ${store.stale.length === 1 ? 'is' : 'are'} out of date or close to it (${described.slice(0, 3).join('; ')}${described.length > 3 ? `; and ${described.length - 3} more` : ''}). This breaks nothing: OpenSSL verifies against an entry that is valid (${names(valid)}). Remove the stale entries when convenient.`,
  }];
}

/** What a failed verification against this trust store means, and whether verification surely uses it. */
function verificationRole(ref: FileReference, context: RuleContext): { consequence: string; certain: boolean } {
  const { family, suffix } = ref.info;
  if (family !== 'ssl') {
    const upstream = family === 'proxy_ssl' ? 'upstream' : family === 'grpc_ssl' ? 'gRPC upstream' : 'uwsgi upstream';
    return { consequence: `every ${upstream} certificate verified against it is rejected and the requests fail with 502`, certain: true };
  }
  if (suffix === 'client_certificate') return { consequence: 'every client certificate verified against it is rejected (400 "The SSL certificate error")', certain: true };
  // ssl_trusted_certificate: client verification only when it is on; otherwise OCSP stapling.
  const verify = effective(ref.node, 'ssl_verify_client', context.tree, effectiveOptions(context)).args[0];
  return verify === 'on' || verify === 'optional'
    ? { consequence: 'client certificates that chain to it are rejected, and OCSP responses cannot be verified', certain: false }
    : { consequence: 'OCSP responses cannot be verified against it, so stapling stops', certain: false };
}
