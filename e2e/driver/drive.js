// Drives code-server (already started by run-e2e.sh) with playwright-core and Debian chromium the
// way a user would: open the scenario config from the Explorer, wait for the Nginx language mode
// and the diagnostics, read the Problems panel, hover, apply quick fixes, change a certificate on
// disk, restart the server from the Command Palette. One screenshot per step.
// Env: CS_URL, WS (workspace folder), DATA (user-data-dir), SHOTS (screenshot dir),
//      T0_MS (epoch ms when code-server was spawned), CS_PID (that code-server: the only tree
//      processes are killed in), E2E_FILE (overrides SCENARIO.file).
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

// ---- Scenario data: extend these lists as the language server learns new checks. ----------------
const SCENARIO = {
  /** File to open, relative to the workspace (e2e/workspace + the repository's examples/ copied in as examples/). */
  file: process.env.E2E_FILE || 'examples/etc/nginx/sites-enabled/server-b',
};
/** Texts that must each appear in a row of the Problems panel (substring match). */
const EXPECTED_PROBLEMS = [
  '"proxy_set_header" directive is not allowed here',                // nginx.directive-not-allowed (if-wrapped)
  'PEM_read_bio_X509_AUX() failed',                                  // tls.not-pem: client.der.crt is DER
  'key values mismatch',                                             // tls.key-mismatch: client.crt + other.key
  'never checks the upstream',                                       // tls.upstream-unverified: location /passthrough
];
/** Hovers: `line` = text of the line (substring), `word` = what the mouse rests on, `expect` = substring of the hover. */
const HOVERS = [
  { line: 'proxy_ssl_verify on;', word: 'proxy_ssl_verify', expect: 'proxy_ssl_verify' },
  { line: 'proxy_ssl_certificate /etc/nginx/ssl/client.crt;', word: 'client.crt', expect: 'client1' },
];
/**
 * Quick fixes to apply, in order: click `word` on `line`, open the lightbulb, pick the action whose
 * title contains `title`, then expect `expectLine` to be in the editor (or `expectGone` to be gone)
 * and the Problems row containing `expectProblemGone` to disappear. `whenOffered: true` skips the
 * entry (logged) when no lightbulb shows; drop it once the server offers the fix, so that its
 * absence fails the run.
 * Empty list: the drive only reports whether a lightbulb is offered on PROBE_FIX_AT.
 */
const QUICK_FIXES = [
  // liftOutOfIf (nginx.directive-not-allowed): `if ($h) { proxy_set_header X $h; }` needs no `if`.
  { line: 'proxy_set_header X-SSL-CERT', word: 'proxy_set_header', title: 'unconditionally', expectGone: 'if ($http_x_ssl_cert)',
    expectProblemGone: '"proxy_set_header" directive is not allowed here' },
];
/**
 * Files changed on disk behind the editor's back (as `openssl` in a terminal would): `path` gets the
 * content of `copyFrom`; then the Problems row containing `expectGone` must disappear, which shows
 * that the watched-files notification made the server check again.
 */
const FILE_CHANGES = [
  { path: 'examples/etc/nginx/ssl/client.der.crt', copyFrom: 'examples/etc/nginx/ssl/client.crt', expectGone: 'PEM_read_bio_X509_AUX() failed' },
];
/**
 * Code actions from the refactor menu: on the empty line `line` (1-based, before any line an earlier
 * step moved), pick the action whose title contains `title`; then `expectLine` must be in the editor.
 */
const INSERT_ACTIONS = [
  { line: 21, title: 'Insert mTLS proxy block', expectLine: 'location /api/' },
];
/** Snippets typed by prefix on the empty line `line`, accepted from the suggest widget; `expectLine` must appear. */
const SNIPPETS = [
  { line: 7, prefix: 'mtls-proxy-location', expectLine: 'proxy_ssl_trusted_certificate /etc/nginx/ssl/upstream-ca.crt;' },
];
/**
 * "Explain this rule" from a diagnostic's code action: click `word` on `line`, pick the action
 * "Explain nginx-mtls rule <code>"; the rule's page must open read-only, rendered, containing `expect`.
 */
const EXPLAIN_FROM_DIAGNOSTIC = { line: 'proxy_pass https://serverA.example.com;', word: 'serverA', code: 'tls.upstream-unverified', expect: 'proxy_ssl_verify' };
/** "nginx mTLS: Explain Rule…" from the Command Palette: pick `code`; its page must contain `expect`. */
const EXPLAIN_FROM_PALETTE = { code: 'tls.key-mismatch', expect: 'key values mismatch' };
/** Explorer → right-click `file` → "Show Certificate Details": the details must contain `expect`, and no unsaved document appears. */
const CERTIFICATE_DETAILS = { file: 'examples/etc/nginx/ssl/client.crt', expect: 'client1' };
/**
 * Semantic tokens: with the cursor on `word` of `line`, "Developer: Inspect Editor Tokens and
 * Scopes" must show a semantic token of type `type` (the grammar alone gives none).
 */
const SEMANTIC_TOKENS = [
  { line: 'proxy_ssl_verify on;', word: 'proxy_ssl_verify', type: 'function' },
];
/** Inlay hints: the editor line containing `line` must show the hint text `hint` after it. */
const INLAY_HINTS = [
  { line: 'proxy_pass https://serverA.example.com;', hint: 'proxy_ssl_verify off (default)' },
];
/**
 * Rename (F2) of a user-defined symbol, done last: open `file`, click `word` on `line`, F2, type
 * `newName`, Enter. Then each file of `occurrences` (opened from the Explorer when it is not
 * `file`) must show `newName` exactly that many times and `word` nowhere: the symbol is defined in
 * one included file and used in another (e2e/workspace/examples/... adds both to the examples' tree).
 */
const RENAME = {
  file: 'examples/etc/nginx/sites-enabled/e2e-rename', line: 'proxy_pass http://e2e_backend;', word: 'e2e_backend', newName: 'e2e_app_servers',
  occurrences: { 'examples/etc/nginx/sites-enabled/e2e-rename': 2, 'examples/etc/nginx/conf.d/e2e-upstreams.conf': 1 },
};
/** A Problems text that must be back after "Restart Language Server" (one no earlier step removes). */
const AFTER_RESTART_PROBLEM = 'key values mismatch';
/** Line the drive probes for a lightbulb when QUICK_FIXES is empty. */
const PROBE_FIX_AT = { line: 'proxy_set_header X-SSL-CERT', word: 'proxy_set_header' };
// -----------------------------------------------------------------------------------------------------

const CS_URL = process.env.CS_URL || 'http://127.0.0.1:18123';
/** PID of the code-server run-e2e.sh started: only processes below it are ever killed. */
const CS_PID = Number(process.env.CS_PID);
const WS = process.env.WS;
const DATA = process.env.DATA;
const SHOTS = process.env.SHOTS;
const T0 = Number(process.env.T0_MS || Date.now());
const since = () => `${((Date.now() - T0) / 1000).toFixed(2)}s`;
const log = (...a) => console.log(`[${since()}]`, ...a);
const results = { file: SCENARIO.file, problems: [], hovers: [], quickFixes: [] };
let page;
let shotNo = 0;

/** Child PIDs of `pid`, from /proc (every thread's children list). */
function childPids(pid) {
  const children = [];
  let tasks = [];
  try { tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { return children; }
  for (const task of tasks) {
    let list = '';
    try { list = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8'); } catch { continue; }
    for (const child of list.trim().split(/\s+/)) if (child) children.push(Number(child));
  }
  return children;
}

/**
 * The nginx-mtls language servers among the descendants of `rootPid` (the code-server this run
 * started), never a process of anyone else's editor on the same machine.
 */
function ourServerPids(rootPid) {
  if (!Number.isInteger(rootPid) || rootPid <= 0) throw new Error('CS_PID (the code-server this run started) is not set');
  const found = [];
  const seen = new Set();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (seen.has(pid)) continue;
    seen.add(pid);
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { continue; }
    if (pid !== rootPid && /nginx-mtls.*dist\/server\.js/.test(cmdline)) found.push(pid);
    queue.push(...childPids(pid));
  }
  return found;
}

async function shot(name) {
  const f = path.join(SHOTS, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: f });
  log('screenshot', path.basename(f));
}

/** 1-based number of the first line of `file` (the scenario file by default) containing `text` (read from disk). */
function lineNumberOf(text, file = SCENARIO.file) {
  const lines = fs.readFileSync(path.join(WS, file), 'utf8').split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line containing ${JSON.stringify(text)}`);
  return i + 1;
}

/** Clicks into the text editor (its top line, right of the gutter), so that keys go to it. */
async function focusEditor() {
  await page.locator('.editor-group-container .monaco-editor').first().click({ position: { x: 150, y: 8 } });
}

/** Moves the cursor to a line with Go to Line (Ctrl+G), so the line is rendered in the viewport. */
async function revealLine(n) {
  await focusEditor();
  await page.keyboard.press('Control+g');
  await page.keyboard.type(String(n));
  await page.keyboard.press('Enter');
  // Done when Go to Line has closed and the status bar shows the cursor on line n (no fixed sleep).
  await page.waitForFunction((line) => {
    const input = document.querySelector('.quick-input-widget');
    const inputOpen = input && input.style.display !== 'none' && input.offsetParent !== null;
    const selection = document.getElementById('status.editor.selection');
    return !inputOpen && !!selection && new RegExp(`\\bLn ${line},`).test(selection.textContent || '');
  }, n, { timeout: 15000 });
}

/**
 * Screen box of `word` on the rendered line containing `lineText`. The TextMate grammar splits a
 * line into token spans and Monaco renders spaces as U+00A0, so the text nodes are concatenated,
 * normalized and mapped back to a DOM Range.
 */
async function wordBox(lineText, word, file = SCENARIO.file) {
  const n = lineNumberOf(lineText, file);
  await revealLine(n);
  const box = await page.evaluate(({ lineText, word }) => {
    const norm = (s) => s.replace(/\u00a0/g, ' ');
    for (const el of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
      const nodes = [];
      let text = '';
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) { nodes.push([t, text.length]); text += norm(t.textContent); }
      const li = text.indexOf(lineText.trim());
      if (li < 0) continue;
      const wi = text.indexOf(word, li);
      if (wi < 0) continue;
      const locate = (offset) => {
        for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= offset) return [nodes[k][0], offset - nodes[k][1]];
        return [nodes[0][0], 0];
      };
      const r = document.createRange();
      r.setStart(...locate(wi));
      r.setEnd(...locate(wi + word.length - 1));
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, width: b.width + 4, height: b.height };
    }
    return null;
  }, { lineText, word });
  if (!box) throw new Error(`cannot find ${JSON.stringify(word)} on a rendered line containing ${JSON.stringify(lineText)}`);
  return box;
}

/** The Explorer row of the file or folder named exactly `name`. */
function explorerRow(name) {
  return page.locator('.explorer-folders-view .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  }).first();
}

/**
 * Clicks the item labelled `label` of the open context menu. A click that lands while the menu is
 * still being laid out leaves it open with the item only highlighted (seen once in CI, under load,
 * right after the server was killed and restarted): the item is then clicked again, at most three
 * times, until the menu closes.
 */
async function clickContextMenuItem(label) {
  const menu = page.locator('.context-view .monaco-menu').first();
  const item = menu.locator('.action-item', { hasText: label }).first();
  for (let attempt = 1; ; attempt++) {
    await item.click();
    if (await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false)) return;
    if (!(await item.isVisible())) return;
    if (attempt === 3) throw new Error(`the context menu stayed open after ${attempt} clicks on "${label}"`);
    log(`the context menu stayed open after a click on "${label}": clicking it again`);
  }
}

/** Expands each folder of `relDir` in the Explorer with real clicks, leaving expanded ones as they are. */
async function expandInExplorer(relDir) {
  for (const part of relDir.split('/')) {
    const row = explorerRow(part);
    await row.waitFor({ timeout: 60000 });
    if (await row.getAttribute('aria-expanded') !== 'true') await row.click();
  }
}

/** Waits (at most 60 s) until the extension host logs that its eager extensions are activated; returns the ms waited. */
async function editorSettled() {
  const started = Date.now();
  while (Date.now() - started < 60000) {
    if (logFiles((name) => name === 'remoteexthost.log').some((f) => /Eager extensions activated/.test(fs.readFileSync(f, 'utf8')))) break;
    await page.waitForTimeout(100);
  }
  return Date.now() - started;
}

/** Opens `rel` from the Explorer with real clicks, expanding each folder on the way; returns the epoch ms of the click on the file. */
async function openFromExplorer(rel) {
  const parts = rel.split('/');
  if (parts.length > 1) await expandInExplorer(parts.slice(0, -1).join('/'));
  const row = explorerRow(parts[parts.length - 1]);
  await row.waitFor({ timeout: 60000 });
  await watchForFirstSquiggle();
  const clickedAt = Date.now();
  await row.click();
  await page.locator('.tabs-container .tab', { hasText: parts[parts.length - 1] }).first().waitFor({ timeout: 30000 });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30000 });
  return clickedAt;
}

/** What selects a squiggle of any severity in an editor. */
const SQUIGGLE = '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info';

/**
 * Makes the page note, by its own clock, when the first squiggle is in the editor's DOM and when
 * the frame that holds it has been drawn (a task after the next animation frame). Playwright's
 * waitForSelector learns of it later: it polls from this process over the DevTools protocol, and
 * on a loaded 2-core machine, where the page is busy opening the editor, it saw the squiggle
 * 0.1-0.7 s after the page had drawn it. Both clocks are this machine's (Date.now()).
 */
async function watchForFirstSquiggle() {
  await page.evaluate((selector) => {
    const noted = { inDom: null, drawn: null };
    window.__nginxMtlsFirstSquiggle = noted;
    const observer = new MutationObserver(() => {
      if (noted.inDom !== null || !document.querySelector(selector)) return;
      noted.inDom = Date.now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { noted.drawn = Date.now(); }, 0));
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  }, SQUIGGLE);
}

/** The page's own times of the first squiggle (see watchForFirstSquiggle), once it has been drawn. */
async function firstSquiggleSeenByPage() {
  for (let i = 0; i < 50; i++) {
    const noted = await page.evaluate(() => window.__nginxMtlsFirstSquiggle);
    if (noted && noted.drawn !== null) return noted;
    await page.waitForTimeout(20);
  }
  return null;
}

/** Shows the Problems panel (View: Problems, Ctrl+Shift+M) unless it is already showing; it stays open. */
async function openProblemsPanel() {
  const panel = page.locator('.markers-panel').first();
  if (await panel.isVisible().catch(() => false)) return;
  await focusEditor();
  await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: 15000 });
}

/** Polls of the code-action menu before giving up, and the overall limit on them (generous: a loaded machine is slow, not wrong). */
const MENU_ATTEMPTS = 6;
const MENU_OVERALL_MS = 120000;

/**
 * Opens the code-action menu (Ctrl+., or `open` when given) until it lists an entry containing
 * `title`, and returns { menu, item }. Under load the menu can open before the server answered
 * for the new cursor position, showing other actions or none: it is then closed and asked again,
 * at most MENU_ATTEMPTS times within MENU_OVERALL_MS, each time waiting for the entry itself.
 */
async function codeActionMenuWith(title, open = () => page.keyboard.press('Control+.')) {
  const deadline = Date.now() + MENU_OVERALL_MS;
  const menu = page.locator('.action-widget').first();
  const item = menu.locator('.monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; attempt <= MENU_ATTEMPTS && Date.now() < deadline; attempt++) {
    await open();
    const wait = Math.max(1000, Math.min(20000, deadline - Date.now()));
    if (await item.waitFor({ state: 'visible', timeout: wait }).then(() => true, () => false)) return { menu, item };
    const shown = await menu.innerText().catch(() => '(no menu)');
    log(`code-action menu without "${title}" (attempt ${attempt}): ${shown.trim().replace(/\n/g, ' | ')}`);
    await page.keyboard.press('Escape');
    open = () => page.keyboard.press('Control+.');
  }
  throw new Error(`the code-action menu never listed "${title}"`);
}

/**
 * Opens the quick-fix menu at `box` until it lists `title`: the lightbulb when it shows, else
 * Ctrl+. as a user would. Returns null when the fix is optional and no lightbulb shows.
 */
async function openQuickFixMenu(box, required, title) {
  await page.mouse.click(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
  const bulb = page.locator('.monaco-editor .lightBulbWidget');
  const bulbShown = await bulb.waitFor({ state: 'visible', timeout: required ? 15000 : 5000 }).then(() => true, () => false);
  if (!bulbShown && !required) return null;
  if (title === undefined) {
    if (bulbShown) await bulb.click(); else await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget').first();
    await menu.waitFor({ state: 'visible', timeout: 15000 });
    return { menu };
  }
  return codeActionMenuWith(title, bulbShown ? () => bulb.click() : undefined);
}

/**
 * Waits until a rendered Markdown preview (a webview: nested iframes) shows `text`, and returns
 * the preview's text. Webview frames come and go while it loads, so each poll reads them again.
 */
async function previewText(text, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Webview frames only: the workbench itself (Problems panel, hovers) may show the same words.
    for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
      const body = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
      if (body.includes(text)) return body;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no Markdown preview shows ${JSON.stringify(text)}`);
}

/** The editor tab whose label contains `name` (a preview's label is "Preview <name>"). */
const tabNamed = (name) => page.locator('.tabs-container .tab', { hasText: name }).first();

/**
 * Unsaved documents (untitled ones included), as the Explorer's activity-bar item counts them:
 * its badge shows the number and its label says "N unsaved". 0 when it shows none.
 */
async function unsavedCount() {
  return page.evaluate(() => {
    const label = document.querySelector('.activitybar [aria-label^="Explorer"]');
    if (!label) throw new Error('no Explorer item in the activity bar');
    const badge = label.closest('.action-item')?.querySelector('.badge-content')?.textContent?.trim() ?? '';
    const said = /(\d+) unsaved/.exec(label.getAttribute('aria-label') || '');
    return Math.max(/^\d+$/.test(badge) ? Number(badge) : 0, said ? Number(said[1]) : 0);
  });
}

/** Runs a command by its title from the Command Palette (F1). */
async function runFromPalette(title) {
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

/** How often `word` (as a whole name) occurs in the lines of the active editor, as rendered. */
async function renderedCount(word) {
  return page.evaluate((w) => {
    const re = new RegExp(`(?<![\\w.-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
    const editor = document.querySelector('.editor-group-container .editor-instance .monaco-editor');
    if (!editor) return -1;
    return [...editor.querySelectorAll('.view-lines .view-line')]
      .reduce((n, el) => n + (el.textContent.replace(/\u00a0/g, ' ').match(re) || []).length, 0);
  }, word);
}

/** Waits until the active editor shows `newName` `count` times and `oldName` no more. */
async function editorShowsRenamed(oldName, newName, count, file) {
  const deadline = Date.now() + 30000;
  let seen;
  while (Date.now() < deadline) {
    seen = { [newName]: await renderedCount(newName), [oldName]: await renderedCount(oldName) };
    if (seen[newName] === count && seen[oldName] === 0) return seen;
    await page.waitForTimeout(250);
  }
  throw new Error(`${file} shows ${JSON.stringify(seen)} after the rename, expected ${newName} ${count} times and ${oldName} none`);
}

/** The rename step (see RENAME): F2 in the editor, the new name typed into the rename box, Enter. */
async function renameWithF2(r) {
  await openFromExplorer(r.file);
  const box = await wordBox(r.line, r.word, r.file);
  await page.mouse.click(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
  await page.keyboard.press('F2');
  // The rename box opens once the server's prepareRename accepted the symbol; a refusal shows
  // its reason in an overlay message instead, which the failure then quotes.
  const input = page.locator('.monaco-editor .rename-box input').first();
  const refusal = page.locator('.monaco-editor .monaco-editor-overlaymessage').first();
  const opened = await Promise.race([
    input.waitFor({ state: 'visible', timeout: 30000 }).then(() => true),
    refusal.waitFor({ state: 'visible', timeout: 30000 }).then(() => false),
  ]);
  if (!opened) throw new Error(`F2 on ${r.word} was refused: ${(await refusal.innerText()).trim()}`);
  const offered = await input.inputValue();
  if (offered !== r.word) throw new Error(`the rename box offers "${offered}", expected "${r.word}"`);
  await shot('rename-box');
  await page.keyboard.press('Control+a');
  await page.keyboard.type(r.newName);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30000 });
  const occurrences = {};
  for (const [file, count] of Object.entries(r.occurrences)) {
    if (file !== r.file) await openFromExplorer(file);
    occurrences[file] = await editorShowsRenamed(r.word, r.newName, count, file);
    await shot(`renamed-${path.basename(file)}`);
  }
  // files.refactoring.autoSave (on by default) saves the files the rename opened in the background.
  const onDisk = Object.fromEntries(Object.keys(r.occurrences).map((f) => [f, fs.readFileSync(path.join(WS, f), 'utf8').includes(r.newName)]));
  return { from: r.word, to: r.newName, occurrences, savedToDisk: onDisk };
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chrome-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    page = ctx.pages()[0] || await ctx.newPage();

    await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    log('workbench present');
    // A person opens a file once the window has started; E2E_OPEN_AT_ONCE=1 clicks while the
    // editor is still starting its extensions (the first figure then holds their start-up too).
    if (process.env.E2E_OPEN_AT_ONCE !== '1') results.editorSettledMs = await editorSettled();
    log(`opening the file ${results.editorSettledMs === undefined ? 'at once' : `once the editor settled (${results.editorSettledMs} ms after the workbench showed: its extension host activated its eager extensions)`}`);

    const tOpen = await openFromExplorer(SCENARIO.file);
    log(`editor open: ${SCENARIO.file}`);
    // Watch for the first squiggle from the moment the editor is open.
    const firstSquiggle = page.waitForSelector(SQUIGGLE, { timeout: 90000 }).then(() => Date.now());
    firstSquiggle.catch(() => {}); // awaited below; avoids an unhandled rejection if an earlier step fails

    // A fresh profile first shows "Plain Text" until the extension host registers the language.
    const mode = page.locator('#status\\.editor\\.mode');
    await mode.filter({ hasText: 'Nginx' }).waitFor({ timeout: 30000 });
    results.languageMode = (await mode.innerText()).trim();
    const tMode = Date.now();
    results.openToLanguageModeS = (tMode - tOpen) / 1000;
    log('language mode:', results.languageMode);
    // No screenshot until the first squiggle: capturing the page took 0.6-3 s on a loaded machine,
    // and the browser draws nothing meanwhile, so it was counted as the extension's start (issue #15).

    // Whichever comes first: a squiggle, or the extension's "could not start" notification (fail fast).
    const serverError = page.locator('.notifications-toasts .notification-toast', { hasText: 'nginx mTLS language server' })
      .first().waitFor({ timeout: 90000 }).then(() => 'notification', () => new Promise(() => {}));
    const tSeenByDriver = await Promise.race([firstSquiggle, serverError]);
    if (tSeenByDriver === 'notification') {
      const toast = (await page.locator('.notifications-toasts .notification-toast').first().innerText()).trim();
      throw new Error(`the language server failed: ${toast.replace(/\s+/g, ' ')}`);
    }
    // The squiggle as the user sees it: drawn, by the page's clock; what the driver saw if the page noted nothing.
    const byPage = await firstSquiggleSeenByPage();
    const tDiag = byPage ? byPage.drawn : tSeenByDriver;
    results.firstSquiggleTiming = byPage
      ? { inDomAfterClickMs: byPage.inDom - tOpen, drawnAfterClickMs: byPage.drawn - tOpen, driverSawItAfterClickMs: tSeenByDriver - tOpen }
      : { driverSawItAfterClickMs: tSeenByDriver - tOpen, note: 'the page noted no squiggle; the driver\'s time is used' };
    log(byPage
      ? `first squiggle in the editor's DOM ${byPage.inDom - tOpen} ms after the click, drawn ${byPage.drawn - tOpen} ms; the driver's waitForSelector saw it ${tSeenByDriver - tOpen} ms after the click`
      : `the page noted no squiggle: using the driver's time, ${tSeenByDriver - tOpen} ms after the click`);
    results.openToFirstDiagnosticS = (tDiag - tOpen) / 1000;
    results.languageModeToFirstDiagnosticS = (tDiag - tMode) / 1000;
    results.spawnToFirstDiagnosticS = (tDiag - T0) / 1000;
    log(`FIRST DIAGNOSTIC ${results.openToFirstDiagnosticS.toFixed(2)}s after the click on the file`
      + ` (${results.languageModeToFirstDiagnosticS.toFixed(2)}s after the Nginx language mode showed)`);
    results.startup = await startupBreakdown(tOpen, tDiag, tMode);
    results.statusProblems = await page.locator('#status\\.problems').getAttribute('aria-label').catch(() => null);
    log('status bar problems:', results.statusProblems);
    await shot('diagnostics');

    await openProblemsPanel();
    results.problemsPanelText = (await page.locator('.markers-panel').first().innerText()).trim();
    // The Problems list is virtualized (only visible rows are in the DOM): type each text into the
    // panel's filter box, as a user looking for it would, then clear the filter again.
    const filter = page.locator('.panel .viewpane-filter input, .panel input[placeholder^="Filter"]').first();
    for (const text of EXPECTED_PROBLEMS) {
      await filter.fill(text);
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
      await row.waitFor({ timeout: 30000 });
      results.problems.push({ expected: text, row: await row.getAttribute('aria-label') });
      log('problem found:', await row.getAttribute('aria-label'));
    }
    await filter.fill('');
    log('problems panel:\n' + results.problemsPanelText);
    await shot('problems-panel');

    for (const h of HOVERS) {
      const box = await wordBox(h.line, h.word);
      await page.mouse.move(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
      const hover = page.locator('.monaco-hover:visible', { hasText: h.expect }).first();
      await hover.waitFor({ timeout: 15000 });
      const text = (await hover.innerText()).trim();
      if (!text) throw new Error(`empty hover on ${h.word}`);
      results.hovers.push({ word: h.word, text });
      log(`hover on ${h.word}:\n${text}`);
      await shot(`hover-${h.word.replace(/[^\w.-]/g, '_')}`);
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    }

    for (const t of SEMANTIC_TOKENS) {
      const box = await wordBox(t.line, t.word);
      await page.mouse.click(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
      await page.keyboard.press('F1');
      await page.keyboard.type('Developer: Inspect Editor Tokens and Scopes');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Inspect Editor Tokens and Scopes' }).first().waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      // The widget lists the semantic token type once the server's tokens arrived for this document.
      const widget = page.locator('.token-inspect-widget', { hasText: 'semantic token type' }).first();
      await widget.waitFor({ timeout: 30000 });
      const text = (await widget.innerText()).trim();
      if (!new RegExp(`semantic token type\\s+${t.type}\\b`).test(text)) throw new Error(`semantic token of ${t.word} is not "${t.type}":\n${text}`);
      results.semanticTokens = [...(results.semanticTokens ?? []), { word: t.word, type: t.type }];
      log(`semantic token on ${t.word}:\n${text}`);
      await shot(`semantic-token-${t.word}`);
      await page.keyboard.press('Escape');
    }
    for (const h of INLAY_HINTS) {
      await revealLine(lineNumberOf(h.line));
      // Inlay hints are rendered as text injected into the view line (it may split the line's own text).
      await page.waitForFunction(({ line, hint }) => [...document.querySelectorAll('.monaco-editor .view-line')]
        .some((el) => { const t = el.textContent.replace(/\u00a0/g, ' '); const code = line.replace(/;$/, ''); return t.includes(code) && t.indexOf(hint) > t.indexOf(code); }),
      h, { timeout: 30000 });
      results.inlayHints = [...(results.inlayHints ?? []), h.hint];
      log(`inlay hint shown: ${h.hint}`);
      await shot('inlay-hint');
    }

    {
      // The code action on a diagnostic opens the rule's bundled documentation, rendered and read-only.
      const e = EXPLAIN_FROM_DIAGNOSTIC;
      const title = `Explain nginx-mtls rule ${e.code}`;
      const { item } = await openQuickFixMenu(await wordBox(e.line, e.word), true, title);
      await shot('explain-rule-menu');
      await item.click();
      await tabNamed(`${e.code}.md`).waitFor({ timeout: 30000 });
      const text = await previewText(e.expect);
      if (!text.includes(e.code)) throw new Error(`the explanation of ${e.code} does not name the rule`);
      results.explainFromDiagnostic = e.code;
      log(`explained ${e.code} from its diagnostic`);
      await shot('explain-rule-from-diagnostic');
      // Close the preview (middle click on its tab) so that the scenario file is the active editor again.
      await tabNamed(`${e.code}.md`).click({ button: 'middle' });
      await tabNamed(`${e.code}.md`).waitFor({ state: 'detached', timeout: 15000 });
    }

    for (const fix of QUICK_FIXES) {
      const opened = await openQuickFixMenu(await wordBox(fix.line, fix.word), !fix.whenOffered, fix.title);
      if (!opened) {
        results.quickFixes.push({ title: fix.title, applied: false, offered: false });
        log(`no lightbulb for "${fix.title}" (whenOffered: skipped)`);
        await shot(`quickfix-not-offered-${results.quickFixes.length}`);
        continue;
      }
      const { menu, item } = opened;
      const menuText = (await menu.innerText()).trim();
      log('quick-fix menu:\n' + menuText);
      await shot(`quickfix-menu-${results.quickFixes.length + 1}`);
      await item.click();
      if (fix.expectLine) {
        await page.waitForFunction((t) => [...document.querySelectorAll('.monaco-editor .view-line')]
          .some((el) => el.textContent.replace(/\u00a0/g, ' ').includes(t)), fix.expectLine, { timeout: 15000 });
      }
      if (fix.expectGone) {
        await page.waitForFunction((t) => ![...document.querySelectorAll('.monaco-editor .view-line')]
          .some((el) => el.textContent.replace(/\u00a0/g, ' ').includes(t)), fix.expectGone, { timeout: 15000 });
      }
      if (fix.expectProblemGone) {
        await openProblemsPanel();
        await filter.fill(fix.expectProblemGone);
        await page.locator('.markers-panel .monaco-list-row', { hasText: fix.expectProblemGone }).first()
          .waitFor({ state: 'detached', timeout: 30000 });
        await filter.fill('');
      }
      results.quickFixes.push({ title: fix.title, menu: menuText, applied: true });
      log(`quick fix applied: ${fix.title}`);
      await shot(`quickfix-applied-${results.quickFixes.length}`);
    }
    if (QUICK_FIXES.length === 0 && PROBE_FIX_AT) {
      const opened = await openQuickFixMenu(await wordBox(PROBE_FIX_AT.line, PROBE_FIX_AT.word), false);
      const menu = opened && opened.menu;
      results.offeredQuickFixes = menu ? (await menu.innerText()).trim() : null;
      log(menu ? `quick fixes offered (not applied, QUICK_FIXES is empty):\n${results.offeredQuickFixes}`
        : 'no lightbulb on the probed line (QUICK_FIXES is empty, nothing to apply)');
      await shot('quickfix-probe');
      await page.keyboard.press('Escape');
    }
    const editorHasLine = (text) => page.waitForFunction((t) => [...document.querySelectorAll('.monaco-editor .view-line')]
      .some((el) => el.textContent.replace(/\u00a0/g, ' ').includes(t)), text, { timeout: 15000 });
    for (const insert of INSERT_ACTIONS) {
      await revealLine(insert.line);
      const { item } = await codeActionMenuWith(insert.title);
      await shot('insert-action-menu');
      await item.click();
      await editorHasLine(insert.expectLine);
      results.insertActions = [...(results.insertActions ?? []), insert.title];
      log(`code action applied: ${insert.title}`);
      await shot('insert-action-applied');
    }
    for (const snippet of SNIPPETS) {
      await revealLine(snippet.line);
      await page.keyboard.press('End');
      await page.keyboard.type(snippet.prefix);
      await page.keyboard.press('Control+Space');
      const row = page.locator('.suggest-widget .monaco-list-row', { hasText: snippet.prefix }).first();
      await row.waitFor({ timeout: 15000 });
      await shot('snippet-suggest');
      await row.click();
      await editorHasLine(snippet.expectLine);
      await page.keyboard.press('Escape');
      results.snippets = [...(results.snippets ?? []), snippet.prefix];
      log(`snippet expanded: ${snippet.prefix}`);
      await shot('snippet-expanded');
    }
    for (const change of FILE_CHANGES) {
      await openProblemsPanel();
      await filter.fill(change.expectGone);
      await page.locator('.markers-panel .monaco-list-row', { hasText: change.expectGone }).first().waitFor({ timeout: 15000 });
      const t = Date.now();
      fs.copyFileSync(path.join(WS, change.copyFrom), path.join(WS, change.path));
      await page.locator('.markers-panel .monaco-list-row', { hasText: change.expectGone }).first()
        .waitFor({ state: 'detached', timeout: 30000 });
      const s = (Date.now() - t) / 1000;
      await filter.fill('');
      results.fileChanges = [...(results.fileChanges ?? []), { path: change.path, problemGoneAfterS: s }];
      log(`changed ${change.path} on disk: "${change.expectGone}" gone from Problems after ${s.toFixed(2)}s`);
      await shot(`file-changed-${path.basename(change.path)}`);
    }
    // Command Palette → "nginx mTLS: Restart Language Server": the server comes back and reports again.
    const readyLines = () => serverLogs().map((f) => fs.readFileSync(f, 'utf8')).join('\n').split('language server ready').length - 1;
    const readyBefore = readyLines();
    const tRestart = Date.now();
    await focusEditor();
    await page.keyboard.press('F1');
    await page.keyboard.type('nginx mTLS: Restart Language Server');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Restart Language Server' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    for (let i = 0; i < 150 && readyLines() <= readyBefore; i++) await page.waitForTimeout(100);
    if (readyLines() <= readyBefore) throw new Error('the server did not log "language server ready" again after Restart Language Server');
    await filter.fill(AFTER_RESTART_PROBLEM);
    await page.locator('.markers-panel .monaco-list-row', { hasText: AFTER_RESTART_PROBLEM }).first().waitFor({ timeout: 30000 });
    await filter.fill('');
    results.restartS = (Date.now() - tRestart) / 1000;
    log(`restarted the server from the Command Palette: ready again, problems back, ${results.restartS.toFixed(2)}s`);
    await shot('after-restart');
    // The server process dies (kill -9): the client starts a new one, the unsaved edit stays in the
    // editor and is checked again by the new server.
    const serverPid = () => ourServerPids(CS_PID);
    const before = serverPid();
    if (before.length === 0) throw new Error('cannot find the language server process to kill');
    // The client starts the server with the Node.js flags of common/serverLaunch.ts.
    const { SERVER_NODE_FLAGS } = require(path.join(__dirname, '../../out/common/serverLaunch.js'));
    for (const pid of before) {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const missing = SERVER_NODE_FLAGS.filter((flag) => !args.includes(flag));
      if (missing.length > 0) throw new Error(`the server (pid ${pid}) was started without ${missing.join(' ')}: ${args.join(' ')}`);
    }
    results.serverNodeFlags = [...SERVER_NODE_FLAGS];
    log(`the server runs with ${SERVER_NODE_FLAGS.join(' ')}`);
    await revealLine(2);
    await page.keyboard.press('End');
    await page.keyboard.type(' # unsaved edit');
    const readyBeforeKill = readyLines();
    const tKill = Date.now();
    for (const pid of before) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && readyLines() <= readyBeforeKill; i++) await page.waitForTimeout(100);
    if (readyLines() <= readyBeforeKill) throw new Error('the client did not start a new server after the old one was killed');
    await editorHasLine('# unsaved edit');
    await filter.fill(AFTER_RESTART_PROBLEM);
    await page.locator('.markers-panel .monaco-list-row', { hasText: AFTER_RESTART_PROBLEM }).first().waitFor({ timeout: 30000 });
    await filter.fill('');
    const after = serverPid();
    if (after.some((pid) => before.includes(pid)) || after.length === 0) throw new Error(`expected a new server process (before ${before}, after ${after})`);
    results.crashRecoveryS = (Date.now() - tKill) / 1000;
    log(`server killed: the client started a new one (pid ${after.join(',')}), the unsaved edit is intact, problems back, ${results.crashRecoveryS.toFixed(2)}s`);
    await shot('after-crash');

    // Show Certificate Details from the Explorer's context menu: rendered, and no unsaved (untitled) document.
    const unsavedBefore = await unsavedCount();
    const certName = path.basename(CERTIFICATE_DETAILS.file);
    await expandInExplorer(path.dirname(CERTIFICATE_DETAILS.file));
    const certRow = explorerRow(certName);
    await certRow.waitFor({ timeout: 30000 });
    await certRow.click({ button: 'right' });
    await clickContextMenuItem('Show Certificate Details');
    await previewText(CERTIFICATE_DETAILS.expect);
    await shot('certificate-details');
    const untitled = await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).count();
    const unsavedAfter = await unsavedCount();
    if (untitled > 0 || unsavedAfter > unsavedBefore) throw new Error(`Show Certificate Details left an unsaved document (untitled tabs ${untitled}, unsaved ${unsavedBefore} -> ${unsavedAfter})`);
    await tabNamed(`${certName}.md`).waitFor({ timeout: 30000 });
    results.certificateDetails = { file: CERTIFICATE_DETAILS.file, unsavedBefore, unsavedAfter };
    log(`certificate details of ${certName} shown read-only (unsaved documents: ${unsavedBefore} before, ${unsavedAfter} after)`);
    // Closing the details asks nothing (no save dialog) and makes the scenario file active again.
    await tabNamed(`${certName}.md`).click({ button: 'middle' });
    await tabNamed(`${certName}.md`).waitFor({ state: 'detached', timeout: 15000 });
    if (await page.locator('.monaco-dialog-box').count() > 0) throw new Error('closing the certificate details opened a dialog');

    // Explain Rule from the Command Palette: a quick pick of every rule, then its page.
    await focusEditor();
    await runFromPalette('nginx mTLS: Explain Rule');
    // The rule picker opens once the server listed its rules: type into it, not into the palette.
    await page.locator('.quick-input-widget input[placeholder^="Rule code"]').waitFor({ timeout: 30000 });
    await page.keyboard.type(EXPLAIN_FROM_PALETTE.code);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: EXPLAIN_FROM_PALETTE.code }).first().waitFor({ timeout: 15000 });
    await shot('explain-rule-quick-pick');
    await page.keyboard.press('Enter');
    await tabNamed(`${EXPLAIN_FROM_PALETTE.code}.md`).waitFor({ timeout: 30000 });
    await previewText(EXPLAIN_FROM_PALETTE.expect);
    results.explainFromPalette = EXPLAIN_FROM_PALETTE.code;
    log(`explained ${EXPLAIN_FROM_PALETTE.code} from the Command Palette`);
    await shot('explain-rule-from-palette');

    results.rename = await renameWithF2(RENAME);
    log(`renamed ${RENAME.word} to ${RENAME.newName}: ${JSON.stringify(results.rename.occurrences)}`);
    results.ok = true;
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(SHOTS, 'failure.png') }).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Where the time from the click on the file to the first squiggle went, from the lines the
 * client ("activating: ...") and the server ("first diagnostics ...": its steps in ms since its
 * process started) write once to the output channel. They carry absolute times (the channel's
 * own timestamps are those of its writes). Printed as one STARTUP line; OURS is what the
 * extension controls: from the first line of its client bundle to the squiggle (loading and
 * activating the client, starting the server, the first check, drawing).
 */
async function startupBreakdown(tClick, tSquiggle, tMode) {
  let lines = [];
  for (let i = 0; i < 50; i++) {
    lines = serverLogs().flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'));
    if (lines.some((l) => /first diagnostics \(/.test(l))) break;
    await page.waitForTimeout(100);
  }
  const activating = lines.find((l) => /\] activating: /.test(l));
  const first = lines.find((l) => /first diagnostics \(/.test(l));
  if (!activating || !first) {
    log('STARTUP breakdown unavailable (no "activating" or "first diagnostics" line in the output channel)');
    return null;
  }
  const num = (re, text) => { const m = re.exec(text); return m ? Number(m[1]) : NaN; };
  const time = (re, text) => { const m = re.exec(text); return m ? Date.parse(m[1]) : NaN; };
  const tBundle = time(/from (\S+Z),/, activating);
  const tActivate = time(/, at (\S+Z)$/, activating);
  const tServer = time(/process started \((\S+Z)\)/, first);
  const steps = Object.fromEntries(first.replace(/; first check:.*/, '').split('ms since then: ')[1].split(', ')
    .map((s) => [s.slice(0, s.lastIndexOf(' ')), Number(s.slice(s.lastIndexOf(' ') + 1))]));
  const b = {
    oursMs: tSquiggle - tBundle,
    clickToClientBundleMs: tBundle - tClick,
    clientBundleMs: num(/client bundle loaded in (\d+) ms/, activating),
    evaluatedToActivateMs: num(/activate\(\) called (\d+) ms/, activating),
    activateToServerProcessMs: tServer - tActivate,
    serverStepsMs: steps,
    firstCheck: (/; first check: (.*)$/.exec(first) || [])[1] || '',
    answeredToSquiggleMs: tSquiggle - (tServer + steps.answered),
    clickToAnsweredMs: tServer + steps.answered - tClick,
    clickToLanguageModeMs: tMode - tClick,
  };
  log(`STARTUP OURS ${(b.oursMs / 1000).toFixed(2)}s from the client bundle's first line to the squiggle`
    + ` (click->client bundle ${b.clickToClientBundleMs} ms, the editor's own part): client bundle ${b.clientBundleMs} ms;`
    + ` evaluated->activate() ${b.evaluatedToActivateMs} ms; activate()->server process ${b.activateToServerProcessMs} ms;`
    + ` server, ms since its start: ${Object.entries(steps).map(([k, v]) => `${k} ${v}`).join(', ')};`
    + ` first check: ${b.firstCheck || '?'}; answered->squiggle ${b.answeredToSquiggleMs} ms`);
  log(`STARTUP FROM THE CLICK: the server answered ${b.clickToAnsweredMs} ms after the click`
    + (b.clickToClientBundleMs < 0 ? ' (the extension had started before it: workspaceContains)' : '')
    + `; the editor showed the file's language mode after ${b.clickToLanguageModeMs} ms and the squiggle after ${tSquiggle - tClick} ms`);
  return b;
}

/** The LanguageClient output channel: <user-data-dir>/logs/<ts>/exthostN/<publisher>.<name>/nginx mTLS.log. */
function serverLogs() {
  return logFiles((name, p) => /nginx-mtls\.nginx-mtls/.test(p) || name === 'nginx mTLS.log');
}

/** The files under <user-data-dir>/logs that `wanted(name, path)` accepts. */
function logFiles(wanted) {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (wanted(e.name, p)) found.push(p);
    }
  };
  if (DATA && fs.existsSync(path.join(DATA, 'logs'))) walk(path.join(DATA, 'logs'));
  return found;
}

main().then(() => {
  results.totalS = (Date.now() - T0) / 1000;
  for (const f of serverLogs()) log('server log:', f);
  console.log('RESULT ' + JSON.stringify(results));
}).catch((e) => {
  console.error(`E2E FAILED after ${since()}:`, e.message);
  for (const f of serverLogs()) {
    console.error(`----- ${f} -----`);
    console.error(fs.readFileSync(f, 'utf8').split('\n').slice(-200).join('\n'));
  }
  console.log('RESULT ' + JSON.stringify(results));
  process.exit(1);
});
