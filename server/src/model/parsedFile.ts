/** One file's text with its syntax tree and line index, shared by every analysis of it. */
import { changedRegion } from '../parser/changedRegion';
import { reparseEdit, type BodyEdit } from '../parser/incrementalParse';
import { LineIndex } from '../parser/lineIndex';
import { parseConfig } from '../parser/parser';
import type { ConfigFile } from '../parser/syntaxTree';
import type { EveryField } from './configTree';

export interface ParsedFile {
  path: string;
  text: string;
  syntax: ConfigFile;
  lines: LineIndex;
}

export function parseFile(filePath: string, text: string): ParsedFile {
  return new Parse(filePath, text, parseConfig(text), new LineIndex(text));
}

/**
 * A parse. Its syntax is a field behind an accessor from the start, so that retiring it (a newer
 * parse took over its nodes, see reparseFile) changes a value, not the object's shape: giving
 * the old object an accessor of its own then made every keystroke hand the code that reads
 * `file.path` or `file.syntax` a new hidden class, and V8 threw away its optimised code
 * (wrong-map deoptimisations, issue #15).
 */
class Parse implements ParsedFile {
  private own: ConfigFile | undefined;

  constructor(readonly path: string, readonly text: string, syntax: ConfigFile, readonly lines: LineIndex) {
    this.own = syntax;
  }

  get syntax(): ConfigFile {
    return (this.own ??= parseConfig(this.text));
  }

  /** Drops the syntax (its nodes now belong to a newer parse): parsed again from the text on first use. */
  retire(): void {
    this.own = undefined;
  }
}

/** How a parse was made from the one before it by parsing one block again (see bodyEditOf). */
export interface ParseStep extends BodyEdit {
  previous: WeakRef<ParsedFile>;
}

const parseSteps = new WeakMap<ParsedFile, ParseStep>();

/** The block edit that made `parsed` out of the parse before it, when it was made that way. */
export function parseStepOf(parsed: ParsedFile): ParseStep | undefined {
  return parseSteps.get(parsed);
}

/**
 * The parse of `text`, a new version of `before`'s text, made by parsing again only the
 * block the edit lies in when that is possible (parser/incrementalParse.ts). The syntax
 * nodes it keeps are moved to the new offsets, so `before` then gets a syntax tree of its
 * own again, parsed from its text when someone reads it: whoever still holds `before`
 * sees a consistent parse (nodes taken from it earlier, like an old tree's, are moved).
 */
export function reparseFile(before: ParsedFile, text: string): ParsedFile {
  const region = changedRegion(before.text, text);
  const step = region && reparseEdit(before.syntax, text, region);
  if (!region || !step) return parseFile(before.path, text);
  retire(before);
  const parsed: ParsedFile = new Parse(before.path, text, step.syntax, before.lines.edited(text, region));
  // Every field in one order (the three kinds of edit have different ones): the block rebuild
  // that reads a step at each keystroke sees one hidden class.
  const edit = step.edit;
  const parseStep: EveryField<ParseStep> = {
    owner: edit.owner, oldStatements: edit.oldStatements, delta: edit.delta, movedFrom: edit.movedFrom, region: edit.region, run: edit.run,
    previous: new WeakRef(before),
  };
  parseSteps.set(parsed, parseStep);
  return parsed;
}

const retired = new WeakSet<ParsedFile>();

/**
 * True when a newer parse of the file took over this parse's nodes (moving their offsets):
 * an analysis that was running on a tree built from it saw nodes change under it.
 */
export function isRetired(parsed: ParsedFile): boolean {
  return retired.has(parsed);
}

/** Gives a parse whose nodes were moved away a syntax tree of its own, parsed on first use. */
function retire(parsed: ParsedFile): void {
  retired.add(parsed);
  // Every parse is made by parseFile() or reparseFile().
  (parsed as Parse).retire();
}

/** Parses each file once per distinct text; a new text of a file re-parses only the edited block when it can. */
export class ParseCache {
  private readonly entries = new Map<string, ParsedFile>();

  get(filePath: string, text: string): ParsedFile {
    const cached = this.entries.get(filePath);
    if (cached && cached.text === text) return cached;
    const parsed = cached ? reparseFile(cached, text) : parseFile(filePath, text);
    this.entries.set(filePath, parsed);
    return parsed;
  }

  /** The last parse of a file, if any (no read). */
  peek(filePath: string): ParsedFile | undefined {
    return this.entries.get(filePath);
  }

  delete(filePath: string): void {
    this.entries.delete(filePath);
  }

  clear(): void {
    this.entries.clear();
  }
}
