/**
 * The CA file that lets nginx verify a certificate the workspace knows (a local server's
 * `ssl_certificate` that an upstream connection reaches), for the fix that turns upstream
 * verification on. Looked for among the CA files the configuration already names (trusted and
 * client CA directives) and the certificate's own folder. A file qualifies when it holds only
 * CA certificates and leads from the certificate's issuer up to a self-signed root, which is
 * what OpenSSL needs in the trusted store (nginx sends no intermediate to itself).
 */
import type { CertificateInfo } from '../../certificates/certificateTypes';
import { depthFirstNodes } from '../../model/treeIndexes';
import type { RuleContext } from '../ruleContext';
import { filesBeside, writtenBeside } from './filesBeside';

const TRUST_DIRECTIVE = /^(?:(?:proxy|grpc|uwsgi)_ssl_trusted_certificate|ssl_trusted_certificate|ssl_client_certificate)$/;
const CERT_LIKE = /\.(?:crt|pem|cer)$/i;

/** True when `cas` chain the certificate issued by `issuer` to a self-signed root. */
function reachesRoot(issuer: string, cas: readonly CertificateInfo[]): boolean {
  let current = issuer;
  for (let step = 0; step < 8; step++) {
    const ca = cas.find((c) => c.subject === current);
    if (!ca) return false;
    if (ca.selfSigned) return true;
    current = ca.issuer;
  }
  return false;
}

/** CA file paths as written in the configuration, in tree order, without variables. */
function configuredCaFiles(context: RuleContext): string[] {
  const written = depthFirstNodes(context.tree.nodes)
    .filter((n) => TRUST_DIRECTIVE.test(n.directive.name))
    .map((n) => n.directive.args[0]?.value)
    .filter((v): v is string => v !== undefined && v !== '' && !v.includes('$') && !v.startsWith('data:'));
  return [...new Set(written)];
}

/**
 * A CA file (as it should be written in the configuration) that verifies the certificate
 * written as `certWritten`, or undefined when none is known.
 */
export async function issuingCaFileFor(context: RuleContext, certWritten: string): Promise<string | undefined> {
  if (certWritten.includes('$') || certWritten.startsWith('data:')) return undefined;
  const certPath = context.resolvePath(certWritten);
  const leaf = (await context.inspect(certPath)).certificates[0];
  if (!leaf || leaf.selfSigned) return undefined;
  const verifies = async (resolved: string): Promise<boolean> => {
    const file = await context.inspect(resolved);
    return file.keys.length === 0 && file.certificates.length > 0 && file.certificates.every((c) => c.isCA) && reachesRoot(leaf.issuer, file.certificates);
  };
  for (const written of configuredCaFiles(context)) {
    if (await verifies(context.resolvePath(written))) return written;
  }
  for (const candidate of filesBeside(certPath, CERT_LIKE)) {
    if (await verifies(candidate)) return writtenBeside(certWritten, candidate);
  }
  return undefined;
}
