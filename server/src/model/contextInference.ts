/**
 * The context of a file that no main configuration includes (a snippet under conf.d/,
 * a site under sites-available/): declared by a `# nginx-mtls-context: <context>` comment,
 * or else guessed: every context a file can be included in is tried with the whole file,
 * nested blocks included, and the one in which nginx would refuse the fewest directives wins.
 * A top-level `if { add_header …; }` is accepted in a location but not at server level, so
 * only the nested directive tells the two apart.
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { Directive } from '../parser/syntaxTree';
import type { ParsedFile } from './parsedFile';

/**
 * Every context an `include` can stand in, in order of preference when several accept the
 * file equally well (the earlier ones are the more common homes of a snippet).
 */
const CANDIDATES: readonly ContextKind[] = [
  'main', 'http', 'server', 'location', 'stream', 'stream-server', 'events', 'upstream', 'mail', 'mail-server',
  'if-in-location', 'if-in-server', 'limit_except', 'stream-upstream',
];

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
  /**
   * For a guessed context: the directives that some candidate context accepts where they
   * stand. When the chosen context refuses one of them, the guess may be what is wrong, not
   * the file, so it is not reported as an error.
   */
  acceptedSomewhere: ReadonlySet<Directive>;
}

/** The word a `# nginx-mtls-context:` comment uses for a context, if it has one. */
export function declarationName(context: ContextKind): string | undefined {
  return Object.keys(DECLARED_NAMES).find((name) => DECLARED_NAMES[name] === context);
}

/** Every word a `# nginx-mtls-context:` comment (or the CLI's --context) accepts. */
export const DECLARATION_NAMES: readonly string[] = Object.keys(DECLARED_NAMES);

/** The context a declaration word stands for (`if` is an `if` in a location). */
export function contextByDeclarationName(name: string): ContextKind | undefined {
  return Object.hasOwn(DECLARED_NAMES, name) ? DECLARED_NAMES[name] : undefined;
}

export function declaredContext(file: ParsedFile): ContextKind | undefined {
  for (const comment of file.syntax.comments) {
    const match = DECLARATION.exec(comment.text);
    if (match) return contextByDeclarationName(match[1]);
  }
  return undefined;
}

const NOTHING: ReadonlySet<Directive> = new Set();

export function inferContext(file: ParsedFile, table: DirectiveTable, version?: string): InferredContext {
  const declared = declaredContext(file);
  if (declared) return { context: declared, declared: true, acceptedSomewhere: NOTHING };
  const statements = file.syntax.statements;
  const acceptedSomewhere = new Set<Directive>();
  let best: ContextKind = 'main';
  let fewestRefused = Infinity;
  for (const candidate of CANDIDATES) {
    const refused = countRefused(statements, candidate, table, version, acceptedSomewhere);
    if (refused < fewestRefused) {
      best = candidate;
      fewestRefused = refused;
    }
  }
  return { context: best, declared: false, acceptedSomewhere };
}

/**
 * How many directives nginx would refuse with the statements read in `context`. A block
 * nginx refuses counts with everything in it (its body is never read). Directives accepted
 * are added to `accepted`. Unknown directives are refused in every context alike and bodies
 * that modules parse themselves (`map`, `types`…) are not directives: neither counts.
 */
function countRefused(statements: readonly Directive[], context: ContextKind, table: DirectiveTable, version: string | undefined, accepted: Set<Directive>): number {
  let refused = 0;
  for (const statement of statements) {
    const name = statement.name;
    if (name === 'include' || !table.isKnown(name)) continue;
    if (!table.isAllowedIn(name, context, version)) {
      refused += 1 + countStatements(statement.block?.statements ?? []);
      continue;
    }
    accepted.add(statement);
    if (!statement.block) continue;
    const inner = table.childContext(name, context);
    if (inner === 'custom-body' || inner === 'unknown') continue;
    refused += countRefused(statement.block.statements, inner, table, version, accepted);
  }
  return refused;
}

function countStatements(statements: readonly Directive[]): number {
  let count = statements.length;
  for (const statement of statements) if (statement.block) count += countStatements(statement.block.statements);
  return count;
}
