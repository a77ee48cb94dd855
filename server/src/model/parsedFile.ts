/** One file's text with its syntax tree and line index, shared by every analysis of it. */
import { LineIndex } from '../parser/lineIndex';
import { parseConfig } from '../parser/parser';
import type { ConfigFile } from '../parser/syntaxTree';

export interface ParsedFile {
  path: string;
  text: string;
  syntax: ConfigFile;
  lines: LineIndex;
}

export function parseFile(filePath: string, text: string): ParsedFile {
  return { path: filePath, text, syntax: parseConfig(text), lines: new LineIndex(text) };
}

/** Parses each file once per distinct text. */
export class ParseCache {
  private readonly entries = new Map<string, ParsedFile>();

  get(filePath: string, text: string): ParsedFile {
    const cached = this.entries.get(filePath);
    if (cached && cached.text === text) return cached;
    const parsed = parseFile(filePath, text);
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
