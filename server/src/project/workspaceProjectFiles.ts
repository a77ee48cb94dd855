/**
 * The language server's view of `.nginx-mtls.json`: the file at the root of each workspace
 * folder, read again when it changes. The server has one set of settings (relative settings
 * resolve against the first workspace folder), so the project file of the first folder that
 * has one applies; a project file in a later folder is reported as not applied rather than
 * silently passed over. Problems of each file become diagnostics on that file.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { parseProjectConfig, unusableProjectFile, type ProjectFileResult } from './projectConfig';
import { MAX_PROJECT_FILE_BYTES } from './projectFileDiscovery';
import { PROJECT_FILE_NAME } from './projectKeys';
import { overlaySettings } from './projectSettings';

const SOURCE = 'nginx-mtls';

export class WorkspaceProjectFiles {
  private results: ProjectFileResult[] = [];
  /** Files that had diagnostics published, so that a deleted or fixed file gets them withdrawn. */
  private published = new Set<string>();

  /** Reads the project file of every folder (absent files are simply not there). */
  async load(folders: readonly string[]): Promise<void> {
    const results: ProjectFileResult[] = [];
    for (const folder of folders) {
      const filePath = path.join(path.resolve(folder), PROJECT_FILE_NAME);
      const text = await readSmallFile(filePath);
      if (text === undefined) continue;
      results.push(typeof text === 'string' ? parseProjectConfig(text, filePath) : unusableProjectFile(filePath, text.problem));
    }
    this.results = results;
  }

  /** The project file in force: the first folder's that exists. */
  get active(): ProjectFileResult | undefined {
    return this.results[0];
  }

  /** Raw settings: the project file's under the settings the user set explicitly. */
  overlay(explicit: unknown): Record<string, unknown> {
    return overlaySettings(this.active?.config, explicit);
  }

  /** Diagnostics per project file, with empty lists for files that no longer have any. */
  diagnostics(): { filePath: string; diagnostics: Diagnostic[] }[] {
    const out: { filePath: string; diagnostics: Diagnostic[] }[] = [];
    const now = new Set<string>();
    for (const [index, result] of this.results.entries()) {
      const diagnostics: Diagnostic[] = result.problems.map((p) => ({
        range: { start: { line: p.line - 1, character: p.column - 1 }, end: { line: p.endLine - 1, character: p.endColumn - 1 } },
        severity: p.severity === 'error' ? 1 : 2,
        source: SOURCE,
        message: p.message,
      }));
      if (index > 0) {
        diagnostics.push({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 3,
          source: SOURCE,
          message: `Not applied: with several workspace folders, nginx-mtls applies the project file of the first one that has one (${this.results[0].filePath}).`,
        });
      }
      if (diagnostics.length > 0) now.add(result.filePath);
      if (diagnostics.length > 0 || this.published.has(result.filePath)) out.push({ filePath: result.filePath, diagnostics });
    }
    for (const filePath of this.published) if (!now.has(filePath) && !out.some((o) => o.filePath === filePath)) out.push({ filePath, diagnostics: [] });
    this.published = now;
    return out;
  }
}

/** The file's text; undefined when there is none; a problem when it is there but unusable. */
async function readSmallFile(filePath: string): Promise<string | { problem: string } | undefined> {
  try {
    const st = await fsp.stat(filePath);
    if (!st.isFile()) return { problem: 'not a regular file; nothing of it is applied' };
    if (st.size > MAX_PROJECT_FILE_BYTES) return { problem: `larger than ${MAX_PROJECT_FILE_BYTES / 1024} KiB; not a ${PROJECT_FILE_NAME}, nothing of it is applied` };
    return await fsp.readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { problem: `cannot be read (${code ?? String(error)}); nothing of it is applied` };
  }
}
