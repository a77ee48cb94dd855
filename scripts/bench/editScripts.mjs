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
