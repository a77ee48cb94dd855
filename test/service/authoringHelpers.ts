/** Shared setup of the authoring tests: applying code actions, a real `nginx -t`, and the checker's findings. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver-types';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';

export const NGINX = '/usr/sbin/nginx';
export const NOW = new Date('2025-06-01T00:00:00Z');

export function toUri(p: string): string {
  return `file://${p}`;
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `nginx-mtls-${tag}-`));
}

/** Applies the single-file edit of a code action to `text`. */
export function applyAction(text: string, action: CodeAction, filePath: string): string {
  const edits = action.edit?.changes?.[toUri(filePath)];
  assert.ok(edits && edits.length > 0, `action "${action.title}" has no edit for ${filePath}`);
  return TextDocument.applyEdits(TextDocument.create(toUri(filePath), 'nginx', 1, text), edits);
}

/** The offset of `marker` in `text` (which is returned without it). */
export function cursorAt(textWithMarker: string, marker = '|'): { text: string; offset: number } {
  const offset = textWithMarker.indexOf(marker);
  assert.ok(offset >= 0, 'no cursor marker');
  return { text: textWithMarker.slice(0, offset) + textWithMarker.slice(offset + marker.length), offset };
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const nginxSkip: string | false = fs.existsSync(NGINX) ? false : `${NGINX} not found`;
export const opensslSkip: string | false = which('openssl') ? false : 'openssl not found';

/**
 * Runs `nginx -t` on the main config `confPath` (whose directory is the prefix) with every
 * https:// upstream host replaced by 127.0.0.1, since nginx resolves proxy_pass hosts at load.
 */
export function nginxTest(confPath: string): { ok: boolean; output: string; text: string } {
  const original = fs.readFileSync(confPath, 'utf8');
  const text = original.replace(/^(\s*proxy_pass\s+https?:\/\/)([^:/;\s]+)/gm, '$1127.0.0.1');
  const testPath = path.join(path.dirname(confPath), 'nginx-t.conf');
  fs.writeFileSync(testPath, text);
  const r = spawnSync(NGINX, ['-t', '-p', path.dirname(confPath) + '/', '-c', testPath], { encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0 && /test is successful/.test(output), output, text };
}

/** A main config around `httpBody`, with pid, logs and temp paths inside `dir`. */
export function mainConfig(dir: string, httpBody: string): string {
  return [
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')};`,
    'events {}',
    'http {',
    `    access_log ${path.join(dir, 'access.log')};`,
    `    client_body_temp_path ${path.join(dir, 'body')};`,
    `    proxy_temp_path ${path.join(dir, 'proxy')};`,
    `    fastcgi_temp_path ${path.join(dir, 'fastcgi')};`,
    `    uwsgi_temp_path ${path.join(dir, 'uwsgi')};`,
    `    scgi_temp_path ${path.join(dir, 'scgi')};`,
    httpBody,
    '}',
    '',
  ].join('\n');
}

/** Error-severity findings of our own checker for `confPath` checked as a main config. */
export async function checkerErrors(confPath: string): Promise<{ errors: ResolvedFinding[]; all: ResolvedFinding[] }> {
  const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), settings: { ...DEFAULT_SETTINGS, targetVersion: '1.22.1' }, now: () => NOW });
  const results = await analysis.analyzeFiles([confPath], [confPath]);
  const result = results.get(confPath);
  assert.ok(result, `no analysis for ${confPath}`);
  assert.deepEqual(result.failures, [], 'a rule family failed');
  return { errors: result.findings.filter((f) => f.severity === 'error'), all: result.findings };
}

export function describeFindings(findings: readonly ResolvedFinding[]): string {
  return findings.map((f) => `${f.code} [${f.severity}] ${f.message}`).join('\n');
}
