/**
 * The fuzz properties shared by `npm test` (test/fuzz/fuzz.test.ts: fixed seed, small
 * budget) and `npm run fuzz` (scripts/fuzz.mjs: random seed, large budget). Each input is
 * fed to every feature of the service; the invariants are:
 *
 * - nothing throws, and no rule family fails (a failure is an internal crash caught by the analyzer);
 * - every offset range is inside its document with start <= end, every LSP range is a valid
 *   position pair in its document;
 * - formatting keeps the token stream byte for byte and is idempotent;
 * - applying any offered quick fix adds no syntax problem that was not there before;
 * - include expansion stays within its budget and reports each cycle once per include.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { DocumentSymbol, Range } from 'vscode-languageserver-types';
import { analyze, type ResolvedFinding } from '../../server/src/analysis/analyzer';
import type { TextEdit as OffsetTextEdit } from '../../server/src/analysis/finding';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { exceedsBudget, resolveConfigPath } from '../../server/src/model/configTree';
import { parseFile, type ParsedFile } from '../../server/src/model/parsedFile';
import { LineIndex } from '../../server/src/parser/lineIndex';
import { nameWord, parseConfig } from '../../server/src/parser/parser';
import { walkDirectives, type ConfigFile } from '../../server/src/parser/syntaxTree';
import { formatEdits, formatTokens } from '../../server/src/service/formatting';
import { NginxLanguageService, pathToUri } from '../../server/src/service/languageService';
import { applyEdits, fixAllAction, quickFixActions } from '../../server/src/service/quickFixes';
import { MemoryFileSystem } from './memoryFileSystem';
import { sharedDataPath } from '../sharedData';

export const NOW = new Date('2025-06-01T00:00:00Z');
export const ROOT = '/fuzz-workspace';
/** The file under test, included by the main config. */
export const SITE = `${ROOT}/conf.d/site.conf`;
/** The same text in a file nothing includes (checked standalone, context inferred). */
export const SOLO = `${ROOT}/snippets/solo.nginx`;
const MAIN_TEXT = 'events {}\nhttp {\n    upstream backend { server 127.0.0.1:8443; }\n    include conf.d/*.conf;\n}\nstream {\n    include stream.d/*.conf;\n}\n';
const OTHER_TEXT = 'server {\n    listen 443 ssl;\n    server_name other.example.com;\n    ssl_certificate certs/other.crt;\n    ssl_certificate_key certs/other.key;\n    location / { proxy_pass https://backend; }\n}\n';

// ---------------------------------------------------------------------------------------------
// Inputs

const WORDS = [
  'events', 'http', 'server', 'location', 'upstream', 'stream', 'mail', 'if', 'map', 'geo', 'types', 'limit_except',
  'include', 'listen', '443', 'ssl', 'quic', 'http2', 'on', 'off', 'optional', 'optional_no_ca', 'server_name', '_',
  'ssl_certificate', 'ssl_certificate_key', 'ssl_client_certificate', 'ssl_trusted_certificate', 'ssl_verify_client',
  'ssl_verify_depth', 'ssl_password_file', 'ssl_protocols', 'TLSv1', 'TLSv1.3', 'ssl_crl', 'ssl_session_tickets',
  'proxy_pass', 'proxy_ssl_verify', 'proxy_ssl_certificate', 'proxy_ssl_trusted_certificate', 'proxy_ssl_server_name',
  'proxy_set_header', 'X-Client-Cert', '$ssl_client_cert', '$ssl_client_s_dn', 'grpc_pass', 'grpc_ssl_certificate',
  'add_header', 'return', '200', '301', 'https://backend', 'http://backend:80/x', 'backend', 'ssl_stapling',
  'content_by_lua_block', 'access_by_lua_block', 'set_by_lua_block', '$host', '${host}', '$1', 'root', 'try_files', '@named',
  'conf.d/*.conf', 'conf.d/site.conf', 'site.conf', '../nginx.conf', '/etc/nginx/ssl/a.crt', 'certs/other.crt', 'a.key',
  'data:-----BEGIN', 'engine:pkcs11:x', '~*', '^~', '=', '/', '(', ')', 'proxy_ssl_verfy', 'ssl_on',
];
const PUNCT = [';', '{', '}', '"', "'", '#', '$', '${', '\\', '\\"', "\\'", '\\\\', '\\n', '--[[', ']]', '[==[', ']==]', '--', '\0', '\u2028', 'é', '😀', '\ud800', '\udfff', '\r'];
const LINES = [
  '# nginx-mtls-disable-next-line', '# nginx-mtls-disable-next-line tls.cert-validity -- why', '# nginx-mtls-disable-file',
  '# nginx-mtls-context: server', '# nginx-mtls-context: location', '# nginx-mtls-context: stream', '# comment',
];
const SEPARATORS = [' ', ' ', ' ', '', '\n', '\t', '\r\n', '    '];

/** Words, quotes, braces, `;`, `#`, `$`, `${`, backslashes, Lua blocks and newlines, in any order. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
        { weight: 4, arbitrary: fc.constantFrom(...PUNCT) },
        { weight: 1, arbitrary: fc.constantFrom(...LINES) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
      fc.constantFrom(...SEPARATORS),
    ),
    { maxLength: 160, size: 'medium' },
  )
  .map((parts) => parts.map(([token, separator]) => token + separator).join(''));

/** Random bytes decoded as UTF-8 (replacement characters) or latin-1 (every byte a character). */
export const randomBytesText: fc.Arbitrary<string> = fc
  .tuple(fc.uint8Array({ maxLength: 1500, size: 'large' }), fc.constantFrom<BufferEncoding>('utf8', 'latin1'))
  .map(([bytes, encoding]) => Buffer.from(bytes).toString(encoding));

/**
 * Include graphs: masks that match the including file or its folder (cycles, the issue 17
 * explosion), paths to special files (a FIFO, /proc), includes inside deeply nested blocks,
 * mixed with token soup. The site file is conf.d/site.conf, so `conf.d/*.conf` from it loops.
 */
const INCLUDE_TARGETS = [
  'conf.d/*.conf', 'conf.d/site.conf', 'conf.d/other.conf', '*.conf', 'nginx.conf', 'snippets/*.nginx', 'conf.d/*',
  'special/fifo.conf', 'special/*.conf', '/proc/self/pagemap', 'stream.d/*.conf', 'conf.d/[a-z]*.conf', 'missing/*.conf',
];
const includeLine = fc.constantFrom(...INCLUDE_TARGETS).map((target) => `include ${target};\n`);
const nested = fc.tuple(fc.nat({ max: 60 }), fc.constantFrom('location / {', 'server {', 'if ($x) {', 'http {', '{'), fc.boolean(), includeLine)
  .map(([depth, opener, closed, inner]) => `${opener}\n`.repeat(depth) + inner + (closed ? '}\n'.repeat(depth) : ''));
export const includeGraph: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: includeLine }, { weight: 2, arbitrary: nested }, { weight: 2, arbitrary: tokenSoup }), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** Files the include graphs name that exist but are refused (see MemoryFileSystem specials). */
const SPECIAL_FILES = { [`${ROOT}/special/fifo.conf`]: 'not-regular', '/proc/self/pagemap': 'too-large' } as const;

let corpusCache: string[] | undefined;

/** Up to 80 corpus files (≤ 48 KB), sampled at a fixed stride from the sorted file list. */
export function corpusSample(corpusDir = sharedDataPath('corpus', process.env.NGINX_CORPUS_DIR)): string[] {
  if (corpusCache) return corpusCache;
  const files: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !/\.(md|json)$|LICENSE|NOTICE|COPYING/i.test(entry.name)) files.push(full);
    }
  };
  walk(corpusDir);
  const stride = Math.max(1, Math.floor(files.length / 80));
  const texts: string[] = [];
  for (let i = 0; i < files.length && texts.length < 80; i += stride) {
    const data = fs.readFileSync(files[i]);
    if (data.length <= 48 * 1024) texts.push(data.toString('utf8'));
  }
  corpusCache = texts.length > 0 ? texts : [MAIN_TEXT, OTHER_TEXT];
  return corpusCache;
}

export type Mutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; length: number; to: number }
  | { op: 'truncate'; at: number }
  | { op: 'replace-char'; at: number; char: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...WORDS, ...PUNCT, ...LINES.map((l) => l + '\n')), tokenSoup) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace-char' as const), at: fc.nat(), char: fc.constantFrom(...PUNCT, ' ', '\n', 'x') }),
);

export function applyMutations(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    switch (m.op) {
      case 'delete': out = out.slice(0, at) + out.slice(at + m.length); break;
      case 'insert': out = out.slice(0, at) + m.text + out.slice(at); break;
      case 'duplicate': {
        const slice = out.slice(at, at + m.length);
        const to = out.length === 0 ? 0 : m.to % (out.length + 1);
        out = out.slice(0, to) + slice + out.slice(to);
        break;
      }
      case 'truncate': if (mutations.length > 1) out = out.slice(0, at); break;
      case 'replace-char': out = out.slice(0, at) + m.char + out.slice(at + 1); break;
    }
  }
  return out;
}

/** A corpus file, picked by index, with 1–6 mutations applied. */
export const corpusMutation: fc.Arbitrary<string> = fc
  .tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([index, mutations]) => {
    const sample = corpusSample();
    return applyMutations(sample[index % sample.length], mutations);
  });

/** Cursor positions to probe: fractions of the text length, mapped onto it by the check. */
export const probeOffsets: fc.Arbitrary<number[]> = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 6 });

// ---------------------------------------------------------------------------------------------
// Invariant helpers

function assertOffsetRange(what: string, text: string, start: number, end: number): void {
  assert.ok(Number.isInteger(start) && Number.isInteger(end), `${what}: non-integer range ${start}..${end}`);
  assert.ok(start >= 0 && start <= end && end <= text.length, `${what}: range ${start}..${end} outside [0, ${text.length}]`);
}

function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.length);
}

function assertLspRange(what: string, lengths: number[], range: Range): void {
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < lengths.length, `${what}: line ${p.line} outside the ${lengths.length} lines`);
    assert.ok(p.character >= 0 && p.character <= lengths[p.line], `${what}: character ${p.character} past the end of line ${p.line} (${lengths[p.line]})`);
  }
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  assert.ok(ordered, `${what}: range ends before it starts ${JSON.stringify(range)}`);
}

/** Every offset in a syntax tree: problems, comments, directives, words and blocks. */
export function checkSyntaxTree(syntax: ConfigFile): void {
  const text = syntax.text;
  for (const p of syntax.problems) assertOffsetRange(`problem ${p.code}`, text, p.start, p.end);
  for (const c of syntax.comments) assertOffsetRange('comment', text, c.start, c.end);
  walkDirectives(syntax.statements, (d, parents) => {
    assertOffsetRange(`directive ${d.name}`, text, d.start, d.end);
    const name = nameWord(d, text);
    assert.equal(name.end, d.nameEnd, 'the name read again ends where the tree says');
    assert.equal(name.value, d.name, 'the name read again is the tree\'s');
    for (const w of [name, ...d.args]) {
      assertOffsetRange('word', text, w.start, w.end);
      assert.ok(w.start >= d.start && w.end <= d.end, 'word outside its directive');
    }
    if (d.block) {
      assertOffsetRange('block', text, d.block.start, d.block.end);
      assert.ok(d.block.end <= d.end, 'block past its directive');
      if (d.block.raw) assertOffsetRange('raw body', text, d.block.raw.start, d.block.raw.end);
    }
    const parent = parents[parents.length - 1];
    if (parent?.block) assert.ok(d.start >= parent.block.start && d.end <= parent.block.end, 'directive outside its parent block');
  });
}

/** Non-overlapping edits inside the text. Insertions at one offset are allowed only once. */
function assertEditsApplicable(what: string, text: string, edits: readonly { start: number; end: number }[]): void {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 0; i < sorted.length; i++) {
    assertOffsetRange(what, text, sorted[i].start, sorted[i].end);
    if (i > 0) assert.ok(sorted[i].start >= sorted[i - 1].end && !(sorted[i].start === sorted[i - 1].start && sorted[i].end === sorted[i - 1].end && sorted[i].start === sorted[i].end),
      `${what}: overlapping edits ${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(sorted[i])}`);
  }
}

function problemCounts(syntax: ConfigFile): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of syntax.problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  return counts;
}

function tokenTexts(text: string): string[] {
  return formatTokens(text).map((t) => {
    const raw = text.slice(t.start, t.end);
    return t.type === 'comment' ? raw.replace(/\s+$/, '') : t.type === 'raw' ? 'raw:' + raw.trim() : raw;
  });
}

// ---------------------------------------------------------------------------------------------
// The property

export interface CheckStats {
  inputs: number;
  bytes: number;
  findings: number;
  fixesApplied: number;
  hovers: number;
  completions: number;
}

export const stats: CheckStats = { inputs: 0, bytes: 0, findings: 0, fixesApplied: 0, hovers: 0, completions: 0 };

/** Runs every feature over `text` and checks the invariants. Throws (an assertion) on a violation. */
export async function checkEverything(text: string, probes: readonly number[]): Promise<void> {
  stats.inputs++;
  stats.bytes += text.length;
  const lengths = lineLengths(text);

  // Parser: never throws, offsets inside the text; the tokenizer's lines agree with LineIndex.
  const syntax = parseConfig(text);
  checkSyntaxTree(syntax);
  assert.equal(new LineIndex(text).lineCount, lengths.length);

  const memory = new MemoryFileSystem({
    [`${ROOT}/nginx.conf`]: MAIN_TEXT,
    [`${ROOT}/conf.d/other.conf`]: OTHER_TEXT,
    [SITE]: text,
    [SOLO]: text,
    [`${ROOT}/stream.d/tcp.conf`]: 'server { listen 12345; proxy_pass 127.0.0.1:1; }\n',
  }, SPECIAL_FILES);
  const service = new NginxLanguageService({ fs: memory, now: () => NOW });
  service.setWorkspaceFolders([ROOT]);
  service.configure({});

  // Include expansion stays bounded: within the budget, and a cycle reported once per include statement.
  const tree = await service.analysis.buildTree(`${ROOT}/nginx.conf`);
  assert.ok(!exceedsBudget(tree.expansion, { files: 0, statements: 0 }), `expanded ${JSON.stringify(tree.expansion)}`);
  const cycles = tree.problems.filter((p) => p.code === 'nginx.include-cycle').map((p) => `${p.file}@${p.start}`);
  assert.equal(new Set(cycles).size, cycles.length, `a cycle reported twice at one include: ${cycles.join(' ')}`);

  // Model + every rule family, through the main config and standalone.
  for (const filePath of [SITE, SOLO]) {
    const { diagnostics, analysis } = await service.validate(filePath);
    assert.ok(analysis, `no analysis for ${filePath}`);
    assert.deepEqual(analysis.failures, [], `a rule family crashed on ${filePath}`);
    stats.findings += analysis.findings.length;
    for (const f of analysis.findings) {
      const own = f.file === filePath ? text : await memory.readText(f.file);
      assert.ok(own !== undefined, `finding ${f.code} in unknown file ${f.file}`);
      assertOffsetRange(`finding ${f.code}`, own, f.start, f.end);
      for (const r of f.related ?? []) {
        const other = await memory.readText(r.file);
        if (other !== undefined) assertOffsetRange(`related of ${f.code}`, other, r.start, r.end);
      }
    }
    for (const d of diagnostics) assertLspRange(`diagnostic ${String(d.code)}`, lengths, d.range);
    await checkFixes(analysis.file, analysis.findings, memory);
  }
  const standalone = await service.analysis.analyzeStandalone(SOLO);
  assert.ok(standalone);
  const direct = await analyze({
    tree: await service.analysis.buildTree(SOLO, standalone.context),
    table: service.analysis.table,
    settings: service.settings,
    now: NOW,
    contextGuessed: standalone.contextGuessed,
    files: [standalone.file],
    resolvePath: (w) => resolveConfigPath(w, service.analysis.resolverFor(SOLO)),
    isKnownLocation: () => true,
    inspect: (p, o) => service.analysis.certificates.inspect(p, o),
  }, RULE_FAMILIES);
  assert.deepEqual(direct.failures, []);

  // Cursor features through the service facade: hover and navigation at the probed offsets
  // and at the first directive names; completion (the costliest) at the probed offsets only.
  const file = (await service.analysis.getParsed(SITE))!;
  const probed = new Set<number>(probes.map((p) => (text.length === 0 ? 0 : p % (text.length + 1))));
  const offsets = new Set<number>([...probed, text.length]);
  let named = 0;
  walkDirectives(file.syntax.statements, (d) => {
    if (named++ < 8) {
      offsets.add(d.start);
      offsets.add(d.nameEnd);
      if (d.args[0]) offsets.add(d.args[0].start + 1);
    }
  });
  const uri = pathToUri(SITE);
  for (const offset of offsets) {
    const position = file.lines.positionAt(offset);
    const hover = await service.hover(SITE, position);
    stats.hovers++;
    if (hover?.range) assertLspRange('hover', lengths, hover.range);
    if (probed.has(offset)) {
      const items = await service.completion(SITE, position);
      stats.completions += items.length;
      for (const item of items) {
        const edit = item.textEdit;
        if (edit && 'range' in edit) assertLspRange(`completion ${item.label}`, lengths, edit.range);
        for (const extra of item.additionalTextEdits ?? []) assertLspRange('completion extra edit', lengths, extra.range);
      }
    }
    for (const location of [...(await service.definition(SITE, position)), ...(await service.references(SITE, position, true))]) {
      if (location.uri === uri) assertLspRange('location', lengths, location.range);
    }
  }
  for (const link of await service.documentLinks(SITE)) assertLspRange('document link', lengths, link.range);
  for (const symbol of await service.workspaceSymbols('')) if (symbol.location.uri === uri) assertLspRange('workspace symbol', lengths, symbol.location.range);
  const whole = { start: { line: 0, character: 0 }, end: file.lines.positionAt(text.length) };
  for (const action of await service.codeActions(SITE, whole, ['quickfix', 'source.fixAll'])) {
    for (const e of action.edit?.changes?.[uri] ?? []) assertLspRange(`code action "${action.title}"`, lengths, e.range);
  }

  // Symbols and folding.
  const visit = (symbols: DocumentSymbol[]): void => {
    for (const s of symbols) {
      assertLspRange(`symbol ${s.name}`, lengths, s.range);
      assertLspRange(`symbol selection ${s.name}`, lengths, s.selectionRange);
      if (s.children) visit(s.children);
    }
  };
  visit(await service.documentSymbols(SITE));
  for (const fold of await service.foldingRanges(SITE)) {
    assert.ok(fold.startLine >= 0 && fold.startLine <= fold.endLine && fold.endLine < lengths.length, `folding range ${JSON.stringify(fold)}`);
  }
  for (const edit of await service.format(SITE, { tabSize: 4, insertSpaces: true })) assertLspRange('formatting edit', lengths, edit.range);
  for (const edit of await service.format(SITE, { tabSize: 4, insertSpaces: true }, whole)) assertLspRange('range formatting edit', lengths, edit.range);

  // Formatting: the same tokens, and a second pass changes nothing.
  for (const options of [{ tabSize: 4, insertSpaces: true }, { tabSize: 2, insertSpaces: false }]) {
    const edits = formatEdits(text, options);
    assertEditsApplicable('formatting', text, edits);
    const formatted = applyEdits(text, edits.map((e) => ({ ...e, file: SITE })));
    assert.deepEqual(tokenTexts(formatted), tokenTexts(text), 'formatting changed the token stream');
    assert.deepEqual(formatEdits(formatted, options), [], 'formatting is not idempotent');
  }
}

/** Applies every fix of every finding, file by file, and re-parses: no new syntax problems. */
async function checkFixes(file: ParsedFile, findings: readonly ResolvedFinding[], memory: MemoryFileSystem): Promise<void> {
  const lookup = new Map<string, ParsedFile>();
  const parsedOf = async (p: string): Promise<ParsedFile | undefined> => {
    if (p === file.path) return file;
    let parsed = lookup.get(p);
    if (!parsed) {
      const text = await memory.readText(p);
      if (text === undefined) return undefined;
      parsed = parseFile(p, text);
      lookup.set(p, parsed);
    }
    return parsed;
  };
  for (const finding of findings) {
    for (const fix of finding.fixes ?? []) {
      const byFile = new Map<string, OffsetTextEdit[]>();
      for (const edit of fix.edits) {
        const list = byFile.get(edit.file) ?? [];
        list.push(edit);
        byFile.set(edit.file, list);
      }
      for (const [target, edits] of byFile) {
        const parsed = await parsedOf(target);
        assert.ok(parsed, `fix "${fix.title}" edits unknown file ${target}`);
        assertEditsApplicable(`fix "${fix.title}" (${finding.code})`, parsed.text, edits);
        const after = parseConfig(applyEdits(parsed.text, edits));
        const before = problemCounts(parsed.syntax);
        // Naming a `*_by_lua_block` (a typo fix) hands its body to the Lua lexer: braces inside
        // Lua strings and long brackets stop counting, so nginx-level problems may legitimately move.
        const changesLexing = edits.some((e) => e.newText.includes('_by_lua_block'));
        if (!changesLexing) for (const [code, count] of problemCounts(after)) {
          assert.ok(count <= (before.get(code) ?? 0),
            `fix "${fix.title}" for ${finding.code} adds syntax problem ${code}: ${JSON.stringify(after.problems.filter((p) => p.code === code).slice(0, 3))}`);
        }
        stats.fixesApplied++;
      }
    }
  }
  // The LSP conversions of the same fixes: every edit range valid in its document.
  const lspLookup = (p: string): ParsedFile | undefined => (p === file.path ? file : lookup.get(p));
  const actions = quickFixActions(file, findings, { start: 0, end: file.text.length }, pathToUri, lspLookup);
  const all = fixAllAction(file, findings, pathToUri);
  for (const action of all ? [...actions, all] : actions) {
    for (const [uri, edits] of Object.entries(action.edit?.changes ?? {})) {
      const target = uri === pathToUri(file.path) ? file : [...lookup.values()].find((f) => pathToUri(f.path) === uri);
      if (!target) continue;
      const lengths = lineLengths(target.text);
      for (const e of edits) assertLspRange(`code action "${action.title}"`, lengths, e.range);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Runner settings

export interface FuzzBudget {
  seed: number;
  numRuns: number;
}

/** The arbitraries the fuzz runs, by name. */
export const INPUTS: Record<string, fc.Arbitrary<string>> = {
  'random bytes': randomBytesText,
  'token soup': tokenSoup,
  'corpus mutations': corpusMutation,
  'include graphs': includeGraph,
};

/** Runs the property over one input family; resolves with fast-check's report (never throws). */
export async function runProperty(name: string, budget: FuzzBudget, timeoutMs = 20_000): Promise<fc.RunDetails<[string, number[]]>> {
  const arbitrary = INPUTS[name];
  return fc.check(
    fc.asyncProperty(arbitrary, probeOffsets, async (text, probes) => {
      await checkEverything(text, probes);
    }),
    { seed: budget.seed, numRuns: budget.numRuns, interruptAfterTimeLimit: timeoutMs, markInterruptAsFailure: false, endOnFailure: true },
  );
}
