/**
 * Differential test against the real `nginx -t` (issue 2): configurations nginx accepts are
 * broken by deterministic mutators (mutations.ts), then nginx and our checker judge each
 * mutant. Whenever nginx refuses for a syntax, argument-count, context, unknown-directive
 * or on/off reason, we must report an error on nginx's line; and we must never report a
 * syntax/context error for a mutant nginx accepts. Known engine disagreements are listed,
 * with a reason each, in knownDisagreements.json (source folder, copied next to the test).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import { CORPUS_DIR, contextKind, corpusAvailable, corpusPath, loadCorpus, type CorpusRecord } from '../corpus/corpusData';
import {
  REPO_ROOT, checkStandalone, findingCoversLine, classifyNginxError, firstNginxError, formatFinding, loadModuleLines, makeTempDir, makeWorkspace,
  mapPool, mulberry32, nginxAvailable, removeDir, runNginxTest, startIsolation, stopIsolation, type ErrorClass, type LineFinding,
} from './nginxHarness';
import { MUTATORS, mutate, statements, type Mutation } from './mutations';

const SEED = Number(process.env.NGINX_DIFF_SEED ?? 20240611);
/** Baselines nginx must accept here before they are mutated. */
const TARGET_BASELINES = Number(process.env.NGINX_DIFF_BASELINES ?? 50);
/** At most this many baselines are tried (many need modules this machine lacks). */
const MAX_BASELINE_TRIES = Number(process.env.NGINX_DIFF_MAX_TRIES ?? 110);
const CONCURRENCY = 2;
const CONTEXTS = new Set(['main', 'main (+events{})', 'http', 'server', 'location', 'events']);
const TEMP_PATHS = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'];
const KNOWN_FILE = path.join(REPO_ROOT, 'test/differential/knownDisagreements.json');
const REPORT_FILE = path.join(REPO_ROOT, 'out/differential-report.json');

interface KnownDisagreement {
  file: string;
  mutator: string;
  reason: string;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Prepared {
  record: CorpusRecord;
  /** The file text, path prefixes moved into the case prefix (same lines as the original). */
  text: string;
}

/** Reads a corpus file byte for byte (latin-1 round-trips any encoding). */
function readBytes(file: string): string {
  return fs.readFileSync(corpusPath(file)).toString('latin1');
}

function hasInclude(text: string): boolean {
  return statements(parseConfig(text)).some((l) => l.directive.name === 'include');
}

const PREFIX_TOKEN = '@@PREFIX@@';

/** Moves the staging directory (e.g. /tmp/nginx-test) into the case prefix; system dirs stay. */
function prepare(record: CorpusRecord): Prepared {
  let text = readBytes(record.file);
  const stage = record.stage_at.replace(/\/$/, '');
  if (stage.startsWith('/tmp/') || !fs.existsSync(stage)) text = text.split(stage).join(PREFIX_TOKEN);
  if (contextKind(record.context) === 'main') text = injectTempPaths(text);
  return { record, text };
}

/** Puts temp paths into the main file's http block, on the line of `http {` (lines unchanged). */
function injectTempPaths(text: string): string {
  const syntax = parseConfig(text);
  const http = syntax.statements.find((d) => d.name === 'http' && d.block?.closed);
  if (!http?.block) return text;
  const set = new Set(http.block.statements.map((d) => d.name));
  const missing = TEMP_PATHS.filter((p) => !set.has(p));
  if (missing.length === 0) return text;
  const piece = ' ' + missing.map((p) => `${p} ${PREFIX_TOKEN}/${p.replace('_path', '')};`).join(' ') + ' ';
  return text.slice(0, http.block.start + 1) + piece + text.slice(http.block.start + 1);
}

function wrapper(context: string, frag: string, prefix: string, modules: string[]): string {
  const temps = TEMP_PATHS.map((p) => `${p} ${prefix}/${p.replace('_path', '')};`).join(' ');
  const head = `${modules.join('\n')}\npid ${prefix}/nginx.pid;\nerror_log stderr;\n`;
  switch (context) {
    case 'main': return `${modules.join('\n')}\ninclude ${frag};\n`;
    case 'main (+events{})': return `${modules.join('\n')}\nevents {}\ninclude ${frag};\n`;
    case 'events': return `${head}events { include ${frag}; }\n`;
    case 'http': return `${head}events {}\nhttp { ${temps} include ${frag}; }\n`;
    case 'server': return `${head}events {}\nhttp { ${temps} server { include ${frag}; } }\n`;
    case 'location': return `${head}events {}\nhttp { ${temps} server { location / { include ${frag}; } } }\n`;
    default: throw new Error(`no wrapper for ${context}`);
  }
}

interface CaseResult {
  file: string;
  mutator: string;
  description: string;
  nginxStatus: number | null;
  nginxMessage?: string;
  nginxLine?: number;
  nginxFile?: string;
  errorClass?: ErrorClass;
  ours: LineFinding[];
  verdict: 'agree' | 'missed' | 'false-positive' | 'not-compared';
  known?: string;
}

let caseCounter = 0;

/** Writes the case, runs nginx -t and our checker on the same text. */
async function runCase(root: string, record: CorpusRecord, text: string, modules: string[]): Promise<{
  status: number | null; stderr: string; ours: LineFinding[]; frag: string; written: string;
}> {
  const prefix = path.join(root, `c${caseCounter++}`);
  const conf = path.join(prefix, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  const frag = path.join(conf, 'frag.conf');
  const main = path.join(conf, 'nginx.conf');
  const bytes = Buffer.from(text.split(PREFIX_TOKEN).join(prefix), 'latin1');
  fs.writeFileSync(frag, bytes);
  fs.writeFileSync(main, wrapper(record.context, frag, prefix, modules));
  const run = await runNginxTest(prefix, main);
  const ws = makeWorkspace('1.22.1');
  const ours = (await checkStandalone(ws, frag, contextKind(record.context))).filter((f) => f.file === frag);
  removeDir(prefix);
  return { status: run.status, stderr: run.stderr, ours, frag, written: bytes.toString('utf8') };
}

function judge(status: number | null, stderr: string, frag: string, written: string, ours: LineFinding[]): Pick<CaseResult, 'verdict' | 'nginxMessage' | 'nginxLine' | 'nginxFile' | 'errorClass'> {
  const errors = ours.filter((f) => f.severity === 'error');
  if (status === 0) {
    const claimed = errors.filter((f) => f.code.startsWith('nginx.') && (f.category === 'syntax' || f.category === 'context'));
    return { verdict: claimed.length > 0 ? 'false-positive' : 'agree' };
  }
  const first = firstNginxError(stderr);
  if (!first) return { verdict: 'not-compared', nginxMessage: stderr.trim().split('\n')[0] };
  const errorClass = classifyNginxError(first.wording);
  const base = { nginxMessage: first.text, nginxLine: first.line, nginxFile: first.file, errorClass };
  if (errorClass === 'other') return { ...base, verdict: 'not-compared' };
  if (first.file !== frag || first.line === undefined) return { ...base, verdict: 'missed' };
  const covered = errors.some((f) => findingCoversLine(written, f, first.line!));
  return { ...base, verdict: covered ? 'agree' : 'missed' };
}

test('differential: mutated corpus configs, nginx -t vs our checker', { timeout: 240_000 }, async (t) => {
  if (!nginxAvailable()) {
    console.log('differential test skipped: /usr/sbin/nginx is not installed');
    t.skip('/usr/sbin/nginx is not installed');
    return;
  }
  if (!corpusAvailable()) {
    console.log(`differential test skipped: the corpus (${CORPUS_DIR}) is not available`);
    t.skip('corpus not available');
    return;
  }
  const started = Date.now();
  const known: KnownDisagreement[] = fs.existsSync(KNOWN_FILE) ? JSON.parse(fs.readFileSync(KNOWN_FILE, 'utf8')) : [];
  const knownByKey = new Map(known.map((k) => [`${k.file}#${k.mutator}`, k]));
  const modules = loadModuleLines();
  const corpus = loadCorpus();
  const eligible = corpus.records.filter((r) => r.accepted && r.stubs.length === 0 && r.hosts_added.length === 0
    && r.users_added.length === 0 && CONTEXTS.has(r.context));
  const candidates = shuffled(eligible.sort((a, b) => (a.file < b.file ? -1 : 1)), mulberry32(SEED))
    .map(prepare).filter((p) => !hasInclude(p.text));

  const root = makeTempDir('diff');
  const isolated = await startIsolation();
  console.log(isolated ? 'differential: nginx runs in a private mount namespace (system dirs overlaid)' : 'differential: nginx runs without isolation');
  try {
    // 1. Baselines: nginx must accept them here (modules, users, paths of this machine).
    const baselines: Prepared[] = [];
    const baselineFailures: { file: string; message: string }[] = [];
    const tried = candidates.slice(0, MAX_BASELINE_TRIES);
    let nginxRuns = 0;
    for (let i = 0; i < tried.length && baselines.length < TARGET_BASELINES; i += CONCURRENCY * 4) {
      const batch = tried.slice(i, i + CONCURRENCY * 4);
      const runs = await mapPool(batch, CONCURRENCY, (p) => runCase(root, p.record, p.text, modules));
      nginxRuns += batch.length;
      batch.forEach((p, k) => {
        const r = runs[k];
        const fp = r.ours.filter((f) => f.severity === 'error' && (f.category === 'syntax' || f.category === 'context'));
        if (r.status === 0 && baselines.length < TARGET_BASELINES) {
          baselines.push(p);
          if (fp.length > 0) baselineFailures.push({ file: p.record.file, message: `BASELINE false positive: ${fp.map(formatFinding).join(' | ')}` });
        } else if (r.status !== 0) {
          baselineFailures.push({ file: p.record.file, message: firstNginxError(r.stderr)?.text ?? r.stderr.trim() });
        }
      });
    }
    const skippedBaselines = baselineFailures.filter((b) => !b.message.startsWith('BASELINE'));
    console.log(`differential: ${eligible.length} eligible corpus files, ${candidates.length} without includes; `
      + `${nginxRuns} baselines tried, ${baselines.length} accepted by nginx here, ${skippedBaselines.length} skipped (nginx refuses them on this machine)`);
    const skipReasons = new Map<string, number>();
    for (const b of skippedBaselines) {
      const key = b.message.replace(/".*?"/g, '"…"').replace(/ in \/\S+:\d+$/, '').slice(0, 70);
      skipReasons.set(key, (skipReasons.get(key) ?? 0) + 1);
    }
    for (const [reason, n] of [...skipReasons].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  skipped baseline: ${n} × ${reason}`);

    // 2. Mutants.
    const jobs: { prepared: Prepared; mutation: Mutation }[] = [];
    const notApplicable = new Map<string, number>();
    for (const prepared of baselines) {
      for (const name of Object.keys(MUTATORS)) {
        const rng = mulberry32((SEED ^ fnv1a(`${prepared.record.file}#${name}`)) >>> 0);
        const mutation = mutate(name, prepared.text, rng);
        if (mutation) jobs.push({ prepared, mutation });
        else notApplicable.set(name, (notApplicable.get(name) ?? 0) + 1);
      }
    }
    const results: CaseResult[] = await mapPool(jobs, CONCURRENCY, async ({ prepared, mutation }) => {
      const r = await runCase(root, prepared.record, mutation.text, modules);
      const verdict = judge(r.status, r.stderr, r.frag, r.written, r.ours);
      const key = `${prepared.record.file}#${mutation.mutator}`;
      return {
        file: prepared.record.file, mutator: mutation.mutator, description: mutation.description,
        nginxStatus: r.status, ours: r.ours, ...verdict,
        nginxMessage: verdict.nginxMessage?.split(r.frag).join('<frag>'),
        known: verdict.verdict === 'missed' || verdict.verdict === 'false-positive' ? knownByKey.get(key)?.reason : undefined,
      };
    });
    nginxRuns += jobs.length;

    // 3. Figures.
    const compared = results.filter((r) => r.verdict !== 'not-compared');
    const agreed = compared.filter((r) => r.verdict === 'agree');
    console.log(`differential: ${jobs.length} mutants, ${nginxRuns} nginx runs in ${((Date.now() - started) / 1000).toFixed(1)} s; `
      + `compared ${compared.length} (nginx accepted ${results.filter((r) => r.nginxStatus === 0).length}, refused for a syntax/arity/context/unknown/flag reason ${compared.filter((r) => r.nginxStatus !== 0).length}), `
      + `refused for other reasons (not compared) ${results.length - compared.length}`);
    console.log(`differential: agreement ${agreed.length}/${compared.length} = ${compared.length ? ((100 * agreed.length) / compared.length).toFixed(1) : '100.0'}%`);
    console.log('  mutator                   mutants  accepted  compared-refused  other-refused  agree  missed  false-pos  n/a');
    for (const name of Object.keys(MUTATORS)) {
      const rs = results.filter((r) => r.mutator === name);
      const row = [
        rs.length,
        rs.filter((r) => r.nginxStatus === 0).length,
        rs.filter((r) => r.nginxStatus !== 0 && r.verdict !== 'not-compared').length,
        rs.filter((r) => r.verdict === 'not-compared').length,
        rs.filter((r) => r.verdict === 'agree').length,
        rs.filter((r) => r.verdict === 'missed').length,
        rs.filter((r) => r.verdict === 'false-positive').length,
        notApplicable.get(name) ?? 0,
      ];
      console.log(`  ${name.padEnd(26)}${row.map((n, i) => String(n).padStart([7, 10, 18, 15, 7, 8, 11, 5][i])).join('')}`);
    }
    const classes = new Map<string, number>();
    for (const r of results) if (r.errorClass) classes.set(r.errorClass, (classes.get(r.errorClass) ?? 0) + 1);
    console.log(`  nginx first-error classes: ${[...classes].map(([k, n]) => `${k} ${n}`).join(', ')}`);

    const disagreements = results.filter((r) => r.verdict === 'missed' || r.verdict === 'false-positive');
    const unexpected = disagreements.filter((r) => !r.known);
    const knownHit = new Set(disagreements.filter((r) => r.known).map((r) => `${r.file}#${r.mutator}`));
    const stale = known.filter((k) => !knownHit.has(`${k.file}#${k.mutator}`));
    for (const r of disagreements) {
      console.log(`${r.known ? 'KNOWN ' : ''}DISAGREEMENT [${r.verdict}] ${r.file} · ${r.mutator}: ${r.description}`);
      console.log(`    nginx: ${r.nginxStatus === 0 ? 'accepted' : r.nginxMessage}`);
      const shown = r.ours.filter((f) => f.severity === 'error');
      console.log(`    ours:  ${shown.length === 0 ? '(no errors)' : shown.map(formatFinding).join('\n           ')}`);
      if (r.known) console.log(`    known: ${r.known}`);
    }
    for (const k of stale) console.log(`known disagreement no longer seen (remove it from knownDisagreements.json): ${k.file} · ${k.mutator}`);
    for (const b of baselineFailures.filter((b) => b.message.startsWith('BASELINE'))) console.log(`${b.file}: ${b.message}`);
    fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
    fs.writeFileSync(REPORT_FILE, JSON.stringify({ seed: SEED, baselines: baselines.map((b) => b.record.file), skippedBaselines, results: results.map((r) => ({ ...r, ours: r.ours.map(formatFinding) })) }, null, 1));
    console.log(`differential: full report in ${path.relative(process.cwd(), REPORT_FILE)}`);

    assert.ok(baselines.length >= Math.min(10, TARGET_BASELINES), `only ${baselines.length} corpus configs pass nginx -t here`);
    const baselineFp = baselineFailures.filter((b) => b.message.startsWith('BASELINE'));
    assert.deepEqual(baselineFp, [], 'our checker reports syntax/context errors on configurations nginx accepts');
    assert.equal(unexpected.length, 0, `${unexpected.length} disagreement(s) with nginx -t:\n`
      + unexpected.map((r) => `  [${r.verdict}] ${r.file} · ${r.mutator}: ${r.description}\n    nginx: ${r.nginxStatus === 0 ? 'accepted' : r.nginxMessage}\n    ours: ${r.ours.filter((f) => f.severity === 'error').map(formatFinding).join(' | ') || '(no errors)'}`).join('\n'));
  } finally {
    stopIsolation();
    removeDir(root);
  }
});
