/** Shared by the tests of reused analyses (comment, blank, name and argument edits). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../server/src/analysis/finding';
import type { ConfigNode } from '../../server/src/model/configTree';
import type { RuleContext, RuleFamily } from '../../server/src/analysis/ruleContext';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { NginxLanguageService, pathToUri } from '../../server/src/service/languageService';
import { toDiagnostic } from '../../server/src/service/lspConvert';
import { NOW, pki } from '../certificates/fixtures';
import { prepareFixture } from '../analysis/fixtureFiles';
import { FIXTURES } from '../analysis/rules/mtlsRuleHelpers';
import { removeDir } from '../differential/nginxHarness';

/**
 * Rule families that count their runs by family name, so a test can tell a reused result from
 * a new one; `scoped` counts the runs over one block's body (RuleContext.within) apart, and
 * `narrowed` those over the statements of some directives (RuleContext.onlyDirectives).
 */
export function countingFamilies(): { families: RuleFamily[]; runs: Map<string, number>; scoped: Map<string, number>; narrowed: Map<string, number>;
  onBlocks: Map<string, (readonly ConfigNode[])[]>; total: () => number; } {
  const runs = new Map<string, number>();
  const scoped = new Map<string, number>();
  const narrowed = new Map<string, number>();
  // The blocks of each run of a family judging some blocks again (RuleContext.onlyBlocks).
  const onBlocks = new Map<string, (readonly ConfigNode[])[]>();
  const families = RULE_FAMILIES.map((family) => ({
    ...family,
    run: (context: RuleContext) => {
      if (context.onlyBlocks) {
        onBlocks.set(family.name, [...(onBlocks.get(family.name) ?? []), context.onlyBlocks]);
        return family.run(context);
      }
      const counts = context.within ? scoped : context.onlyDirectives ? narrowed : runs;
      counts.set(family.name, (counts.get(family.name) ?? 0) + 1);
      return family.run(context);
    },
  }));
  const total = (): number => [...runs.values()].reduce((a, b) => a + b, 0);
  return { families, runs, scoped, narrowed, onBlocks, total };
}

/** A language service over `folder` (with `settings`, as an editor would send them, when given). */
export function service(folder: string, families?: RuleFamily[], clock: () => Date = () => NOW, settings?: object): NginxLanguageService {
  const s = new NginxLanguageService({ now: clock, families });
  s.setWorkspaceFolders([folder]);
  if (settings) s.configure(settings);
  return s;
}

/** The findings of `text` at `file` as a fresh service over `folder` gives them: what a reusing service must equal. */
export async function freshFindings(folder: string, file: string, text: string, clock?: () => Date, settings?: object): Promise<Finding[]> {
  const fresh = service(folder, undefined, clock, settings);
  fresh.openDocument(file, text);
  return findingsOf(fresh, file);
}

/**
 * The findings of a check, through the path the language server takes (each diagnostic's JSON
 * in UTF-8, remembered per finding across checks: service/diagnosticParts.ts), asserting that
 * the diagnostics are what a conversion from scratch gives for the same findings.
 */
export async function findingsOf(s: NginxLanguageService, file: string): Promise<Finding[]> {
  const { diagnostics, analysis } = await s.validateEncoded(file);
  if (!analysis) return [];
  const json = Buffer.from(diagnostics.utf8).toString('utf8');
  const fromScratch = JSON.stringify(analysis.findings.map((f) => toDiagnostic(analysis.file, f, pathToUri, (p) => s.analysis.parses.peek(p))));
  assert.equal(json, fromScratch, `the remembered diagnostic texts of ${file}`);
  return analysis.findings;
}

/** An EC server certificate and its key (private, as nginx expects) as server.crt and server.key in `dir`. */
export function writeServerPair(dir: string): void {
  const p = pki('ec');
  fs.writeFileSync(path.join(dir, 'server.crt'), p.server.pem);
  fs.writeFileSync(path.join(dir, 'server.key'), p.server.key.pem, { mode: 0o600 });
}

/** A service over `dir` (with `settings` when given) whose families count their runs, with `text` open at `file`: its first findings. */
export async function openedCounting(dir: string, file: string, text: string, settings?: object): Promise<{ counted: ReturnType<typeof countingFamilies>; edited: NginxLanguageService; found: Finding[] }> {
  const counted = countingFamilies();
  const edited = service(dir, counted.families, undefined, settings);
  edited.openDocument(file, text);
  return { counted, edited, found: await findingsOf(edited, file) };
}

/** A fresh copy of each rule fixture in turn (its directory and main file, its code and name for messages), removed after `check`. */
export async function forEachRuleFixture(check: (fixture: { code: string; name: string; dir: string; file: string }) => Promise<void>): Promise<void> {
  for (const code of fs.readdirSync(FIXTURES).sort()) {
    for (const name of fs.readdirSync(path.join(FIXTURES, code)).filter((n) => n.endsWith('.conf')).sort()) {
      const { dir, file } = prepareFixture(code, name);
      try {
        await check({ code, name, dir, file });
      } finally {
        removeDir(dir);
      }
    }
  }
}

/** openedCounting() of `text` written to `file` first: the file on disk and the open document agree. */
export async function savedAndOpened(dir: string, file: string, text: string, settings?: object): Promise<ReturnType<typeof openedCounting>> {
  fs.writeFileSync(file, text);
  return openedCounting(dir, file, text, settings);
}

/** `text` opened again in `edited`: its findings, checked to be those of a fresh analysis of the same text (with the same `settings`). */
export async function reopened(edited: NginxLanguageService, dir: string, file: string, text: string, label: string, settings?: object): Promise<Finding[]> {
  edited.openDocument(file, text);
  const got = await findingsOf(edited, file);
  assert.deepEqual(got, await freshFindings(dir, file, text, undefined, settings), label);
  return got;
}
