/** Shared setup of the mTLS/proxy rule tests: the families under test and a one-call analysis. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import type { RuleFamily } from '../../../server/src/analysis/ruleContext';
import { clientVerificationRules } from '../../../server/src/analysis/rules/clientVerificationRules';
import { contextRules } from '../../../server/src/analysis/rules/contextRules';
import { headerInheritanceRules } from '../../../server/src/analysis/rules/headerInheritanceRules';
import { identityHeaderRules } from '../../../server/src/analysis/rules/identityHeaderRules';
import { listenDeprecationRules } from '../../../server/src/analysis/rules/listenDeprecationRules';
import { identitySiblingRules } from '../../../server/src/analysis/rules/identitySiblingRules';
import { protocolRules } from '../../../server/src/analysis/rules/protocolRules';
import { sessionReuseRules } from '../../../server/src/analysis/rules/sessionReuseRules';
import { streamProxySslRules } from '../../../server/src/analysis/rules/streamProxySslRules';
import { plainHttpProxySslRules } from '../../../server/src/analysis/rules/plainHttpProxySslRules';
import { tlsListenRules } from '../../../server/src/analysis/rules/tlsListenRules';
import { upstreamTlsRules } from '../../../server/src/analysis/rules/upstreamTlsRules';
import type { ContextKind } from '../../../server/src/directives/directiveTable';
import { NodeFileSystem } from '../../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis, type FileAnalysis } from '../../../server/src/service/workspaceAnalysis';

export const MTLS_FAMILIES: readonly RuleFamily[] = [
  upstreamTlsRules, clientVerificationRules, identityHeaderRules, headerInheritanceRules,
  sessionReuseRules, tlsListenRules, protocolRules, streamProxySslRules, listenDeprecationRules, plainHttpProxySslRules, identitySiblingRules,
];

export const MTLS_CODES = new Set(MTLS_FAMILIES.flatMap((f) => f.rules.map((r) => r.code)));

/** Repository root, from out/test/analysis/rules. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/rules');

export const NOW = new Date('2025-06-01T00:00:00Z');

export function workspace(version = DEFAULT_SETTINGS.targetVersion, families: readonly RuleFamily[] = MTLS_FAMILIES, pathMappings: Record<string, string> = {}): WorkspaceAnalysis {
  return new WorkspaceAnalysis({
    fs: new NodeFileSystem(),
    settings: { ...DEFAULT_SETTINGS, targetVersion: version, pathMappings },
    now: () => NOW,
    families,
  });
}

/** A fixture's `# target-version: x.y.z` comment, if any. */
export function fixtureVersion(text: string): string | undefined {
  return /#\s*target-version:\s*(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

export async function analyzeFile(file: string, options: { version?: string; context?: ContextKind; families?: readonly RuleFamily[] } = {}): Promise<FileAnalysis> {
  const text = fs.readFileSync(file, 'utf8');
  const ws = workspace(options.version ?? fixtureVersion(text), options.families);
  const result = await ws.analyzeStandalone(file, options.context);
  if (!result) throw new Error(`cannot read ${file}`);
  if (result.failures.length > 0) throw new Error(`rule family failed on ${file}: ${result.failures.map((f) => f.error).join('\n')}`);
  return result;
}

/** Analyzes a config given as text (written to a temp file). */
export async function analyzeText(text: string, options: { version?: string; families?: readonly RuleFamily[] } = {}): Promise<{ findings: ResolvedFinding[]; file: string; text: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-rules-'));
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, text);
  const result = await analyzeFile(file, options);
  return { findings: result.findings, file, text };
}

/** Writes a small tree of files under a fresh temp dir; returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-tree-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return dir;
}

export function codes(findings: readonly ResolvedFinding[]): string[] {
  return findings.map((f) => f.code).filter((c) => MTLS_CODES.has(c));
}

export { contextRules };
