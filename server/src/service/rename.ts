/**
 * Rename of user symbols (upstreams, named locations, `map`/`geo`/`set`… variables) across
 * every file of the configuration trees that use them. Anything else is refused with a
 * reason: built-in variables, directive names, names defined nowhere (renaming them would
 * change what nginx resolves them to), and new names nginx would read differently.
 */
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/parsedFile';
import { contextAtOffset } from './contextAtOffset';
import { variableInfo } from './directiveDocs';
import { toRange } from './lspConvert';
import { SymbolIndex, type SymbolIndexOptions, type SymbolOccurrence, type UserSymbolKind } from './symbolReferences';

export interface RenameOptions extends SymbolIndexOptions {
  toUri: (filePath: string) => string;
}

export type Refusal = { error: string };

const RENAMABLE = 'Only upstream names, named locations (@name) and variables defined by map, geo, set, split_clients, js_set or perl_set can be renamed.';

/** How a symbol is written in messages. */
function shown(kind: UserSymbolKind, name: string): string {
  return kind === 'variable' ? `$${name}` : kind === 'named-location' ? `@${name}` : name;
}

/** A built-in variable (`$host`) or a name of a built-in family (`$http_x`): nginx owns it. */
function builtInVariable(name: string): { family: boolean; reason: string } | undefined {
  const info = variableInfo('$' + name.toLowerCase());
  if (!info) return undefined;
  return info.prefix
    ? { family: true, reason: `names starting with ${info.name} belong to nginx's built-in ${info.name}… variables` }
    : { family: false, reason: `${info.name} is a built-in nginx variable` };
}

/** The symbol at the offset with all its occurrences, or why it cannot be renamed. */
function renamableAt(file: ParsedFile, offset: number, options: SymbolIndexOptions): { index: SymbolIndex; at: SymbolOccurrence[]; all: SymbolOccurrence[] } | Refusal {
  const index = SymbolIndex.build(file, options);
  const at = index.at(file, offset);
  if (at.length === 0) {
    const target = contextAtOffset(file, offset, options).target;
    if (target.kind === 'directive-name') return { error: `"${target.word.value}" is a directive name: it cannot be renamed. ${RENAMABLE}` };
    return { error: RENAMABLE };
  }
  const { kind, name } = at[0];
  if (kind === 'variable') {
    // A user may define a member of a family (`set $http_x …`); a plain built-in is nginx's.
    const builtIn = builtInVariable(name);
    if (builtIn && !builtIn.family) return { error: `${builtIn.reason}: it cannot be renamed. ${RENAMABLE}` };
  }
  const all = index.related(at);
  if (!all.some((o) => o.role === 'definition')) {
    const what = kind === 'variable'
      ? `$${name} is not defined by map, geo, set, split_clients, js_set or perl_set in this configuration`
      : kind === 'upstream'
        ? `no "upstream ${name}" block is defined in this configuration (here "${name}" is a host name)`
        : `no "location @${name}" is defined in this server`;
    return { error: `${what}: renaming it could change what nginx resolves it to. Open the main configuration (or set nginxMtls.mainConfig) so its definition is found.` };
  }
  return { index, at, all };
}

/** The range and current name to offer for a rename at `offset`, or why there is none. */
export function prepareRename(file: ParsedFile, offset: number, options: SymbolIndexOptions): { range: Range; placeholder: string } | Refusal {
  const found = renamableAt(file, offset, options);
  if ('error' in found) return found;
  const here = found.at[0];
  return { range: toRange(file, here.nameStart, here.nameEnd), placeholder: here.name };
}

/** Checks a new name as the user typed it (a leading `$` or `@` is accepted) and returns it bare. */
function validNewName(kind: UserSymbolKind, typed: string): string | Refusal {
  const sigil = kind === 'variable' ? '$' : kind === 'named-location' ? '@' : '';
  const name = sigil && typed.startsWith(sigil) ? typed.slice(1) : typed;
  if (kind === 'variable') {
    if (!/^[A-Za-z0-9_]+$/.test(name)) return { error: `"${typed}" is not a valid variable name: nginx reads a variable name as letters, digits and underscores only.` };
    const builtIn = builtInVariable(name);
    if (builtIn) return { error: `"${typed}" cannot be used: ${builtIn.reason}.` };
  } else if (kind === 'upstream') {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) return { error: `"${typed}" is not a valid upstream name: use letters, digits, "_", "." and "-" (no scheme, port or path), so that proxy_pass can name it.` };
  } else if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    return { error: `"${typed}" is not a valid named location: use "@" followed by letters, digits, "_", "." or "-".` };
  }
  return name;
}

/** The edits that rename the symbol at `offset` to `newName` in every file that uses it, or why not. */
export function renameSymbol(file: ParsedFile, offset: number, newName: string, options: RenameOptions): WorkspaceEdit | Refusal {
  const found = renamableAt(file, offset, options);
  if ('error' in found) return found;
  const { kind, name } = found.at[0];
  const bare = validNewName(kind, newName.trim());
  if (typeof bare !== 'string') return bare;
  const renamed = new Set(found.all.map((o) => `${o.file.path}\0${o.start}`));
  const clash = found.index.related(found.at.map((o) => ({ ...o, name: bare }))).filter((o) => !renamed.has(`${o.file.path}\0${o.start}`));
  if (clash.length > 0) {
    const used = clash.some((o) => o.role === 'definition') ? 'is already defined' : 'is already used';
    return { error: `${shown(kind, bare)} ${used} in this configuration (${clash[0].file.path}:${clash[0].file.lines.positionAt(clash[0].start).line + 1}): renaming ${shown(kind, name)} to it would merge the two.` };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of found.all) {
    const uri = options.toUri(o.file.path);
    (changes[uri] ??= []).push({ range: toRange(o.file, o.nameStart, o.nameEnd), newText: bare });
  }
  return { changes };
}
