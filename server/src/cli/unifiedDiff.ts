/**
 * A unified diff of two versions of one file, in the format `diff -u` writes and `patch -p1`
 * and `git apply` read: what `nginx-mtls check --fix --dry-run` prints instead of writing.
 */

/** Lines of unchanged text shown around each change, as `diff -u` does. */
const CONTEXT_LINES = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

/**
 * Splits a text into lines that keep their line ends, so a missing final newline survives
 * the round trip (it is marked with "\ No newline at end of file").
 */
function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/**
 * The shortest edit script between two line lists (Myers' O(ND) algorithm): fixes change a
 * few lines of a long file, so D stays small and large configs diff quickly.
 */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  // Walk back through the saved frontiers to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : frontier[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push({ kind: ' ', line: a[x - 1] }); x--; y--; }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[y - 1] });
    else ops.push({ kind: '-', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) { ops.push({ kind: ' ', line: a[x - 1] }); x--; y--; }
  return ops.reverse();
}

/** "start,count" of a hunk header; an empty range names the line before it, as diff does. */
function range(start: number, count: number): string {
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

function emit(op: Op): string {
  return op.line.endsWith('\n') ? `${op.kind}${op.line}` : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}

/**
 * The unified diff turning `before` into `after`, with `--- a/<name>` and `+++ b/<name>`
 * headers; empty when the texts are equal.
 */
export function unifiedDiff(before: string, after: string, name: string): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before), splitLines(after));
  let out = `--- a/${name}\n+++ b/${name}\n`;
  let i = 0;
  // Line numbers (1-based) in the old and new text of ops[i].
  let oldLine = 1;
  let newLine = 1;
  const lineNumbersAt: { old: number; new: number }[] = [];
  for (const op of ops) {
    lineNumbersAt.push({ old: oldLine, new: newLine });
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  while (i < ops.length) {
    if (ops[i].kind === ' ') { i++; continue; }
    // A hunk: the change, its context, and further changes whose contexts touch it.
    const start = Math.max(0, i - CONTEXT_LINES);
    let end = i;
    let lastChange = i;
    while (end < ops.length) {
      if (ops[end].kind !== ' ') lastChange = end;
      else if (end - lastChange > 2 * CONTEXT_LINES) break;
      end++;
    }
    end = Math.min(ops.length, lastChange + CONTEXT_LINES + 1);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(lineNumbersAt[start].old, oldCount)} +${range(lineNumbersAt[start].new, newCount)} @@\n`;
    out += hunk.map(emit).join('');
    i = end;
  }
  return out;
}
