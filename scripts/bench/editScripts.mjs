// The keystrokes the benchmark types, shared by the language-server runs (over stdio) and the
// in-process runs (allocation, heap, CPU profile), so that every figure is about the same edits.
// Each script keeps the document as an array of lines and hands out one LSP content change per
// keystroke; `lines` is updated as the change is applied.
import { prng } from './generate.mjs';

/** An LSP range over line/character positions (the workload is ASCII: characters are bytes). */
const range = (line, start, end = start) => ({ start: { line, character: start }, end: { line, character: end } });

/**
 * Today's edit: a character typed at the end of a comment line, then deleted again. Nothing
 * but a comment changes, so a server that re-evaluates only what changed has almost no work.
 */
export function* commentEdits(lines, count, seed = 7) {
  const commentLines = lines.map((l, i) => (l.trimStart().startsWith('#') ? i : -1)).filter((i) => i >= 0);
  if (commentLines.length === 0) throw new Error('the file has no comment line to type into');
  const rng = prng(seed);
  let line = 0;
  for (let i = 0; i < count; i++) {
    const typing = i % 2 === 0;
    if (typing) line = commentLines[rng.int(commentLines.length)];
    const end = lines[line].length;
    if (typing) {
      lines[line] += 'x';
      yield { range: range(line, end), text: 'x' };
    } else {
      lines[line] = lines[line].slice(0, -1);
      yield { range: range(line, end - 1, end), text: '' };
    }
  }
}

/**
 * Where a burst is typed: inside the `nth` server block (counting from the one that starts
 * nearest the middle of the file), on a new line after its server_name (or its first line).
 */
export function burstSite(lines, nth = 0) {
  const servers = lines.map((l, i) => (/^\s*server\s*\{/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (servers.length === 0) throw new Error('the file has no server block to type into');
  const middle = lines.length / 2;
  let nearest = 0;
  for (let i = 1; i < servers.length; i++) if (Math.abs(servers[i] - middle) < Math.abs(servers[nearest] - middle)) nearest = i;
  const server = servers[(nearest + nth) % servers.length];
  const indent = /^\s*/.exec(lines[server])[0] + '    ';
  let after = server;
  for (let i = server + 1; i < lines.length && !/^\s*\}/.test(lines[i]) && !/^\s*server\s*\{/.test(lines[i]); i++) {
    if (/^\s*server_name\s/.test(lines[i])) { after = i; break; }
  }
  return { line: after + 1, indent };
}

/** `count` characters of a plausible header value: words, digits, '=' and '-', no quote, '$' or '\'. */
export function burstText(count, seed = 11) {
  const rng = prng(seed);
  const words = ['policy', 'max-age=600', 'region', 'tenant', 'trace', 'build-2024', 'edge', 'canary', 'v2', 'origin', 'cache'];
  let text = '';
  while (text.length < count) text += (text ? ' ' : '') + rng.pick(words);
  return text.slice(0, count);
}

/**
 * A typing burst into a directive: `setup` inserts `add_header <header> "";` as one change
 * (a snippet, or an editor that closes the quote it opens) in a server block in the middle of
 * the file; then `keystrokes` types `count` characters between the quotes, one change per
 * character. Every keystroke changes the directive's argument, so each is a structural change
 * to the server's settings, not a comment edit.
 */
export function burstEdits(lines, count, { header = 'X-Burst', nth = 0, seed = 11 } = {}) {
  const site = burstSite(lines, nth);
  const prefix = `${site.indent}add_header ${header} "`;
  const text = burstText(count, seed);
  const setup = () => {
    lines.splice(site.line, 0, `${prefix}";`);
    return { range: range(site.line, 0), text: `${prefix}";\n` };
  };
  function* keystrokes() {
    for (let i = 0; i < text.length; i++) {
      const character = prefix.length + i;
      lines[site.line] = lines[site.line].slice(0, character) + text[i] + lines[site.line].slice(character);
      yield { range: range(site.line, character), text: text[i] };
    }
  }
  return { line: site.line, setup, keystrokes };
}

/**
 * Typing into a setting of the main configuration's http level: `setup` inserts
 * `<name> <value>;` as the first statement of the `http` block (one change), then `keystrokes`
 * types `count` digits just before the value's last character (`1m` becomes `11m`, `111m`…).
 * In nginx.conf of the tree the http block holds every included site, so this is the edit whose
 * cost depends on which rule families read the directive (client_max_body_size: none of the TLS
 * families; ssl_verify_depth and ssl_protocols: one; ssl_trusted_certificate: all of them).
 */
export function httpLevelEdits(lines, count, { name, value }) {
  const http = lines.findIndex((l) => /^http\s*\{/.test(l));
  if (http < 0) throw new Error('the file has no http block at its top level');
  const line = http + 1;
  const prefix = `    ${name} ${value.slice(0, -1)}`;
  const setup = () => {
    lines.splice(line, 0, `${prefix}${value.slice(-1)};`);
    return { range: range(line, 0), text: `${lines[line]}\n` };
  };
  function* keystrokes() {
    for (let i = 0; i < count; i++) {
      const character = prefix.length + i;
      lines[line] = lines[line].slice(0, character) + '1' + lines[line].slice(character);
      yield { range: range(line, character), text: '1' };
    }
  }
  return { line, setup, keystrokes };
}

/** The statements typeLines writes, in turn: a header, a proxy header, two plain settings and a TLS one. */
export const TYPED_STATEMENTS = [
  'add_header X-Typed-Line "typed value" always;',
  'proxy_set_header X-Typed-Header "on";',
  'client_max_body_size 10m;',
  'proxy_read_timeout 30s;',
  'ssl_session_timeout 10m;',
];

/**
 * Whole new lines typed into server blocks, a keystroke at a time, until `count` keystrokes:
 * in the `nth`, `nth + 1`… server blocks from the middle of the file (burstSite), after the
 * server_name line, each of TYPED_STATEMENTS in turn. With `editor` set, as VS Code types with
 * this extension's language configuration: Enter inserts the line break and the indentation of
 * the line above in one change, a `"` typed before a blank or the line's end inserts the pair
 * `""`, and the closing `"` typed over it changes nothing (no keystroke sent). Without it, as an
 * editor that adds nothing: the line break, every blank of the indentation and each character
 * are keystrokes of their own. Until its `;` is typed, a new statement takes the words of the
 * next line as its arguments, as nginx would read it: every keystroke of a line changes a
 * statement.
 */
export function* lineEdits(lines, count, { editor = false, nth = 0 } = {}) {
  let sent = 0;
  /** Applies `text` at `character` of `line` (replacing nothing) and hands out the change. */
  const type = (line, character, text) => {
    lines[line] = lines[line].slice(0, character) + text + lines[line].slice(character);
    sent++;
    return { range: range(line, character), text };
  };
  for (let n = 0; sent < count; n++) {
    const site = burstSite(lines, nth + n);
    const statement = TYPED_STATEMENTS[n % TYPED_STATEMENTS.length];
    // The line break at the end of the line above, then the new line's characters.
    const above = site.line - 1;
    const enter = editor ? `\n${site.indent}` : '\n';
    lines.splice(site.line, 0, enter.slice(1));
    sent++;
    yield { range: range(above, lines[above].length), text: enter };
    for (const blank of editor ? '' : site.indent) {
      if (sent >= count) return;
      yield type(site.line, lines[site.line].length, blank);
    }
    let quoted = false;
    for (const character of statement) {
      if (sent >= count) return;
      const at = lines[site.line].length - (quoted ? 1 : 0);
      if (editor && character === '"') {
        // Typed over the closing quote the editor inserted, the cursor moves, the text does not.
        quoted = !quoted;
        if (!quoted) continue;
        yield type(site.line, at, '""');
        continue;
      }
      yield type(site.line, at, character);
    }
  }
}
