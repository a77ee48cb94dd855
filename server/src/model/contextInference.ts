/**
 * The context of a file that no main configuration includes (a snippet under conf.d/,
 * a site under sites-available/): declared by a `# nginx-mtls-context: <context>` comment,
 * or else the context that accepts most of its top-level directives.
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ParsedFile } from './parsedFile';

const CANDIDATES: ContextKind[] = ['main', 'http', 'server', 'location', 'stream', 'stream-server', 'events', 'upstream', 'mail', 'mail-server', 'if-in-location'];

const DECLARATION = /^\s*nginx-mtls-context:\s*([a-z_-]+)/;

const DECLARED_NAMES: Record<string, ContextKind> = {
  main: 'main', events: 'events', http: 'http', server: 'server', location: 'location',
  upstream: 'upstream', stream: 'stream', 'stream-server': 'stream-server', 'stream-upstream': 'stream-upstream',
  mail: 'mail', 'mail-server': 'mail-server', if: 'if-in-location', limit_except: 'limit_except',
};

export interface InferredContext {
  context: ContextKind;
  /** True when a comment declared it; false when guessed. */
  declared: boolean;
}

export function declaredContext(file: ParsedFile): ContextKind | undefined {
  for (const comment of file.syntax.comments) {
    const match = DECLARATION.exec(comment.text);
    if (match) return DECLARED_NAMES[match[1]];
  }
  return undefined;
}

export function inferContext(file: ParsedFile, table: DirectiveTable): InferredContext {
  const declared = declaredContext(file);
  if (declared) return { context: declared, declared: true };
  const names = file.syntax.statements.map((s) => s.name.value).filter((n) => n !== 'include');
  if (names.length === 0) return { context: 'main', declared: false };
  let best: ContextKind = 'main';
  let bestScore = -1;
  for (const candidate of CANDIDATES) {
    let score = 0;
    for (const name of names) if (table.isAllowedIn(name, candidate)) score++;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return { context: best, declared: false };
}
