/**
 * Differential test over the directive data (directiveMutations.ts): every repeat-refusing
 * directive written twice and every on/off, enum and bitmask directive given a value outside
 * its table, each judged by the real `nginx -t` (1.22.1) and by our checker. Where nginx stops
 * at the mutated line with "is duplicate" or "invalid value", we must report an error on that
 * line; where nginx accepts, we must report no syntax/context error. Mutants nginx refuses for
 * another reason (a sample argument this machine cannot satisfy) are counted, not compared.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { INVALID_VALUE, directiveMutations, mutantConfig, type DirectiveMutation } from './directiveMutations';
import {
  checkMain, findingCoversLine, firstNginxError, formatFinding, loadModuleLines, makeTempDir, makeWorkspace, mapPool, nginxAvailable, removeDir, runNginxTest,
} from './nginxHarness';

const CONCURRENCY = 2;

type Verdict = 'agree' | 'missed' | 'false-positive' | 'not-compared';

interface Result {
  mutation: DirectiveMutation;
  verdict: Verdict;
  nginx: string;
  ours: string[];
}

function expectedWording(m: DirectiveMutation, wording: string): boolean {
  if (m.kind === 'duplicate') return wording === `"${m.directive}" directive is duplicate`;
  return wording.startsWith(`invalid value "${INVALID_VALUE}"`);
}

test('differential: duplicates and invalid values of every directive kind, nginx -t vs our checker', { timeout: 600_000 }, async (t) => {
  if (!nginxAvailable()) {
    t.skip('/usr/sbin/nginx is not installed');
    return;
  }
  const started = Date.now();
  const { mutations, skipped } = directiveMutations();
  const modules = loadModuleLines();
  const root = makeTempDir('dirmut');
  const ws = makeWorkspace('1.22.1');
  try {
    let counter = 0;
    const results = await mapPool(mutations, CONCURRENCY, async (mutation): Promise<Result> => {
      const prefix = path.join(root, `m${counter++}`);
      fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
      fs.writeFileSync(path.join(prefix, 'htpasswd'), 'u:x\n');
      fs.writeFileSync(path.join(prefix, 'pw.txt'), 'x\n');
      const conf = path.join(prefix, 'nginx.conf');
      const { text, line } = mutantConfig(mutation, prefix, modules);
      fs.writeFileSync(conf, text);
      const run = await runNginxTest(prefix, conf);
      const findings = await checkMain(ws, conf);
      removeDir(prefix);
      const errors = findings.filter((f) => f.severity === 'error' && f.file === conf);
      const ours = errors.map(formatFinding);
      if (run.status === 0) {
        const claimed = errors.filter((f) => f.code.startsWith('nginx.') && (f.category === 'syntax' || f.category === 'context'));
        return { mutation, verdict: claimed.length > 0 ? 'false-positive' : 'agree', nginx: 'accepted', ours };
      }
      const first = firstNginxError(run.stderr);
      const nginx = first?.text.split(prefix).join('<prefix>') ?? run.stderr.trim();
      if (!first || first.file !== conf || first.line !== line || !expectedWording(mutation, first.wording)) return { mutation, verdict: 'not-compared', nginx, ours };
      return { mutation, verdict: errors.some((f) => findingCoversLine(text, f, line)) ? 'agree' : 'missed', nginx, ours };
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(`directive mutations: ${mutations.length} mutants (${skipped.length} not generated), ${mutations.length} nginx runs in ${seconds.toFixed(1)} s`);
    console.log('  kind            mutants  accepted  refused-as-expected  agree  missed  false-pos  not-compared');
    for (const kind of ['duplicate', 'invalid-value'] as const) {
      const rs = results.filter((r) => r.mutation.kind === kind);
      const row = [rs.length, rs.filter((r) => r.nginx === 'accepted').length, rs.filter((r) => r.verdict === 'agree' || r.verdict === 'missed').length - rs.filter((r) => r.nginx === 'accepted' && r.verdict === 'agree').length,
        rs.filter((r) => r.verdict === 'agree').length, rs.filter((r) => r.verdict === 'missed').length, rs.filter((r) => r.verdict === 'false-positive').length, rs.filter((r) => r.verdict === 'not-compared').length];
      console.log(`  ${kind.padEnd(16)}${row.map((n, i) => String(n).padStart([7, 10, 21, 7, 8, 11, 14][i])).join('')}`);
    }
    const reasons = new Map<string, number>();
    for (const s of skipped) reasons.set(`${s.kind}: ${s.reason}`, (reasons.get(`${s.kind}: ${s.reason}`) ?? 0) + 1);
    for (const [reason, n] of reasons) console.log(`  not generated: ${n} × ${reason}`);
    for (const r of results.filter((x) => x.verdict === 'not-compared')) console.log(`  not compared: ${r.mutation.kind} ${r.mutation.directive} (${r.mutation.lines[0]}): ${r.nginx}`);
    const disagreements = results.filter((r) => r.verdict === 'missed' || r.verdict === 'false-positive');
    for (const r of disagreements) console.log(`DISAGREEMENT [${r.verdict}] ${r.mutation.kind} ${r.mutation.directive} in ${r.mutation.slot}: ${r.mutation.lines.join(' ')}\n    nginx: ${r.nginx}\n    ours:  ${r.ours.join(' | ') || '(no errors)'}`);
    // The generator must cover the data, not a sample of it.
    assert.ok(results.filter((r) => r.mutation.kind === 'duplicate').length >= 300, 'duplicate mutations for most repeat-refusing directives');
    assert.ok(results.filter((r) => r.mutation.kind === 'invalid-value').length >= 120, 'invalid-value mutations for the on/off, enum and bitmask directives');
    assert.deepEqual(disagreements.map((r) => `[${r.verdict}] ${r.mutation.kind} ${r.mutation.directive}: ${r.nginx}`), []);
  } finally {
    removeDir(root);
  }
});
