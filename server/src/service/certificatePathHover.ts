/**
 * Hover over the file argument of a TLS directive: what the file is, where it was read
 * from, and for certificates their subject, issuer, names, validity and fingerprints;
 * for keys whether they match their certificate. Private key material is never shown.
 */
import type { Hover } from 'vscode-languageserver-types';
import { renderInspectedFileMarkdown, type FileRole as HoverRole } from '../certificates/certificateHover';
import type { InspectedFile } from '../certificates/certificateTypes';
import { isInlineData } from '../certificates/inlineData';
import { fileDirectiveInfo, skipReason, type FileRole } from '../analysis/tlsFileReferences';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive, Word } from '../parser/syntaxTree';
import { toRange } from './lspConvert';

export interface PathHoverOptions {
  now: Date;
  resolvePath: (written: string) => string;
  inspect: (absolutePath: string) => Promise<InspectedFile>;
}

interface Located {
  directive: Directive;
  arg: Word;
  siblings: readonly Directive[];
}

/** The file argument of a TLS file directive under the offset, with its sibling statements. */
export function fileArgumentAt(file: ParsedFile, offset: number): Located | undefined {
  let found: Located | undefined;
  const visit = (statements: readonly Directive[]): void => {
    for (const directive of statements) {
      if (offset < directive.start || offset > directive.end) continue;
      const arg = directive.args[0];
      if (arg && offset >= arg.start && offset <= arg.end && fileDirectiveInfo(directive.name)) {
        found = { directive, arg, siblings: statements };
        return;
      }
      if (directive.block) visit(directive.block.statements);
    }
  };
  visit(file.syntax.statements);
  return found;
}

const HOVER_ROLE: Record<FileRole, HoverRole> = {
  certificate: 'certificate',
  key: 'key',
  'ca-bundle': 'ca-bundle',
  crl: 'crl',
  password: 'other',
  dhparam: 'other',
  'ticket-key': 'other',
  'ocsp-response': 'other',
};

/** True when nginx reads a certificate or key value as inline PEM (data:, from 1.15.10). */
function inlineRole(role: FileRole, arg: Word): boolean {
  return (role === 'certificate' || role === 'key') && isInlineData(arg.value) && !arg.hasVariable;
}

export async function hoverCertificatePath(file: ParsedFile, offset: number, options: PathHoverOptions): Promise<Hover | undefined> {
  const located = fileArgumentAt(file, offset);
  if (!located) return undefined;
  const info = fileDirectiveInfo(located.directive.name);
  if (!info) return undefined;
  const range = toRange(file, located.arg.start, located.arg.end);
  const inline = inlineRole(info.role, located.arg);
  const skipped = skipReason(located.arg, inline);
  if (skipped) {
    return { range, contents: { kind: 'markdown', value: `**${located.directive.name}**\n\nNot opened: ${skipped}.` } };
  }
  // Inline PEM is inspected from the value; the hover names it by a label, never by its text.
  const resolved = inline ? located.arg.value : options.resolvePath(located.arg.value);
  if (info.role === 'password') {
    // Never read a password file for display: it holds secrets.
    const inspected = await options.inspect(resolved);
    const state = inspected.kind === 'missing' ? 'does not exist' : inspected.kind === 'unreadable' ? 'cannot be read' : 'exists (its contents are never shown)';
    return { range, contents: { kind: 'markdown', value: `**Password file** — ${state}\n\n\`${resolved}\`` } };
  }
  const inspected = await options.inspect(resolved);
  let pairedKey: InspectedFile | undefined;
  let pairedCertificate: InspectedFile | undefined;
  const partnerName = info.role === 'certificate' ? `${info.family}_certificate_key` : info.role === 'key' ? `${info.family}_certificate` : undefined;
  if (partnerName) {
    const own = located.siblings.filter((d) => d.name === located.directive.name);
    const partners = located.siblings.filter((d) => d.name === partnerName);
    const partner = partners[Math.max(0, own.indexOf(located.directive))]?.args[0];
    const partnerInline = partner !== undefined && inlineRole(info.role === 'certificate' ? 'key' : 'certificate', partner);
    if (partner && !skipReason(partner, partnerInline)) {
      const partnerFile = await options.inspect(partnerInline ? partner.value : options.resolvePath(partner.value));
      if (info.role === 'certificate') pairedKey = partnerFile;
      else pairedCertificate = partnerFile;
    }
  }
  const markdown = renderInspectedFileMarkdown(inspected, { now: options.now, role: HOVER_ROLE[info.role], resolvedPath: inline ? 'inline PEM (data:)' : resolved, pairedKey, pairedCertificate });
  return { range, contents: { kind: 'markdown', value: markdown } };
}
