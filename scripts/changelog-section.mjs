// Prints the CHANGELOG.md section of one release (the lines under "## [x.y.z]" up to the next
// "## " heading), for the release notes of the GitHub release. Exits 1 when the section is
// missing or empty, so a tag is never released without its changelog entry.
//   node scripts/changelog-section.mjs 0.2.0 [CHANGELOG.md]
import { readFileSync } from 'node:fs';

const [version, file = 'CHANGELOG.md'] = process.argv.slice(2);
if (!version) {
  process.stderr.write('usage: node scripts/changelog-section.mjs <version> [CHANGELOG.md]\n');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').split('\n');
const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
const end = start < 0 ? -1 : lines.findIndex((line, i) => i > start && line.startsWith('## '));
const body = start < 0 ? '' : lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
if (body === '') {
  process.stderr.write(`${file} has no section "## [${version}]" with content\n`);
  process.exit(1);
}
process.stdout.write(`${body}\n`);
