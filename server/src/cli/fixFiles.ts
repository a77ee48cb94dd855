/**
 * `nginx-mtls check --fix`: the editor's "fix all" applied to every checked file. Fixes are
 * applied in memory (an overlay over the disk) and re-checked, so `--dry-run` and `--fix`
 * compute exactly the same result; only the last step (print a diff, or write) differs.
 */
import * as path from 'node:path';
import { OverlayFileSystem, type FileSystem } from '../model/fileSystem';
import { isInside } from '../model/knownLocations';
import { applyEdits, fixAllEdits } from '../service/quickFixes';
import type { FileAnalysis } from '../service/workspaceAnalysis';

/**
 * Fix, re-check, and fix again what the first fixes uncovered, at most this many times:
 * fixes never loop forever, even if two rules were ever to undo each other's edits.
 */
export const MAX_FIX_PASSES = 3;

export interface FixOutcome {
  /** The findings that remain once the fixes are applied. */
  results: Map<string, FileAnalysis>;
  /** Files whose text the fixes change, with the text on disk and the fixed text. */
  changed: { filePath: string; before: string; after: string }[];
  /** Files with safe fixes that are not written because they lie outside the checked paths. */
  outside: { filePath: string; fixes: number }[];
}

/** Checks the files (through the given file system) as `check` does. */
export type Checker = (fs: FileSystem) => Promise<Map<string, FileAnalysis>>;

function errorCount(results: Map<string, FileAnalysis>): number {
  let errors = 0;
  for (const analysis of results.values()) errors += analysis.findings.filter((f) => f.severity === 'error').length;
  return errors;
}

/**
 * Applies the safe fixes of every writable file and re-checks, up to MAX_FIX_PASSES times.
 * A pass whose fixes would leave more errors than before is undone and ends the fixing:
 * a fix must never make a configuration worse than it found it.
 */
export async function fixInMemory(disk: FileSystem, check: Checker, writable: (filePath: string) => boolean): Promise<FixOutcome> {
  const overlay = new OverlayFileSystem(disk);
  const originals = new Map<string, string>();
  const fixed = new Map<string, string>();
  let results = await check(overlay);
  let outside: FixOutcome['outside'] = [];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const before = new Map(fixed);
    outside = [];
    for (const [filePath, analysis] of results) {
      const { edits, fixed: fixedFindings } = fixAllEdits(filePath, analysis.findings);
      if (edits.length === 0) continue;
      if (!writable(filePath)) { outside.push({ filePath, fixes: fixedFindings.length }); continue; }
      if (!originals.has(filePath)) originals.set(filePath, analysis.file.text);
      fixed.set(filePath, applyEdits(analysis.file.text, edits));
    }
    if (sameTexts(before, fixed)) break;
    for (const [filePath, text] of fixed) overlay.setOverlay(filePath, text);
    const next = await check(overlay);
    if (errorCount(next) > errorCount(results)) {
      for (const filePath of fixed.keys()) {
        const previous = before.get(filePath);
        if (previous === undefined) overlay.deleteOverlay(filePath);
        else overlay.setOverlay(filePath, previous);
      }
      fixed.clear();
      for (const [filePath, text] of before) fixed.set(filePath, text);
      break;
    }
    results = next;
  }
  const changed = [...fixed]
    .map(([filePath, after]) => ({ filePath, before: originals.get(filePath) as string, after }))
    .filter((c) => c.before !== c.after)
    .sort((a, b) => a.filePath.localeCompare(b.filePath));
  return { results, changed, outside };
}

function sameTexts(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/**
 * The files `--fix` may write: those named on the command line and those inside the folders
 * named there. A file reached through an include elsewhere (/usr/share/nginx, a shared
 * snippet in /etc) is checked but never changed behind the user's back.
 */
export function underCheckedPaths(files: readonly string[], folders: readonly string[]): (filePath: string) => boolean {
  const named = new Set(files.map((f) => path.resolve(f)));
  return (filePath) => {
    const abs = path.resolve(filePath);
    if (named.has(abs)) return true;
    return folders.some((folder) => isInside(abs, path.resolve(folder)));
  };
}
