/**
 * Finds the private key that belongs to a certificate named in the configuration, so that a
 * fix inserting the missing `*_certificate_key` can name it. Only the certificate's folder is
 * searched (where keys live in practice, and cheap), and only public halves are compared: the
 * inspector reports a key's SHA-256 of its public key, never key material. Encrypted keys
 * are skipped, since their public half is unknown without the passphrase.
 */
import type { RuleContext } from '../ruleContext';
import { filesBeside, writtenBeside } from './filesBeside';

const KEY_LIKE = /\.(?:key|pem)$/i;

/**
 * The key file for the certificate written as `certWritten`, written the way the certificate
 * is (same folder as written, so a relative path stays relative), or undefined when the
 * certificate cannot be read or no single unencrypted key in its folder matches it.
 */
export async function matchingKeyFor(context: RuleContext, certWritten: string): Promise<string | undefined> {
  if (certWritten.includes('$') || certWritten.startsWith('data:')) return undefined;
  const certPath = context.resolvePath(certWritten);
  const cert = (await context.inspect(certPath)).certificates[0];
  if (!cert) return undefined;
  const matches: string[] = [];
  for (const candidate of filesBeside(certPath, KEY_LIKE)) {
    const file = await context.inspect(candidate);
    if (file.keys.some((k) => !k.encrypted && k.publicKeySha256 === cert.publicKeySha256)) matches.push(candidate);
  }
  // Two candidate keys (a copy, an old one) leave the choice to the operator.
  return matches.length === 1 ? writtenBeside(certWritten, matches[0]) : undefined;
}
