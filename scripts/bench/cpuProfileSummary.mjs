// Self time per function from a V8 .cpuprofile (what a flame graph's widest leaves show), with
// V8's own entries kept: "(garbage collector)" is where allocation shows up as time.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The `top` functions by self time: name, `file:line` relative to `root` (1-based line), ms
 * and share of the profile's whole sampled time. Functions with the same name and place are
 * one row, whichever stack they were called from.
 */
export function topSelfTime(profileFile, { top = 12, root = process.cwd() } = {}) {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = nodes.get(profile.samples[i]);
    if (!node) continue;
    totalUs += delta;
    const key = functionKey(node.callFrame, root);
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  }
  const rows = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => ({ ...JSON.parse(key), ms: us / 1000, share: totalUs ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, samples: profile.samples.length, rows };
}

function functionKey(callFrame, root) {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return JSON.stringify({ name, where: '' });
  const file = callFrame.url.startsWith('file://') ? new URL(callFrame.url).pathname : callFrame.url;
  const shown = path.isAbsolute(file) ? path.relative(root, file) : file;
  return JSON.stringify({ name, where: `${shown}:${callFrame.lineNumber + 1}` });
}

/** A markdown table of `topSelfTime`'s rows. */
export function selfTimeTable(summary) {
  const lines = ['| function | where | self time | share |', '|---|---|---:|---:|'];
  for (const r of summary.rows) lines.push(`| \`${r.name}\` | ${r.where ? '`' + r.where + '`' : ''} | ${r.ms.toFixed(0)} ms | ${(r.share * 100).toFixed(1)}% |`);
  return lines;
}
