/**
 * What the two packages hold. The .vsix (built exactly as `npm run package` builds it) carries
 * only what the extension runs, and its README's images and links work on the Marketplace page
 * (absolute https URLs, or files inside the package). The npm package carries the two bins and
 * the validation worker the server starts.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipEntries } from './zipEntries';

// Compiled to out/test/manifest/, so the repository root is three levels up.
const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>; bin: Record<string, string>; main: string;
  repository: { url: string }; bugs: { url: string }; homepage: string;
};
const PUBLIC_URL = 'https://github.com/nginx-mtls/nginx-mtls';

/** The arguments `npm run package` gives `vsce package`, with the output redirected to `out`. */
function vsceArguments(out: string): string[] {
  const command = /\bvsce (package\b[^&|;]*)/.exec(manifest.scripts.package)?.[1];
  assert.ok(command, `scripts.package runs vsce package: ${manifest.scripts.package}`);
  const args = command.trim().split(/\s+/);
  const outAt = args.indexOf('--out');
  assert.ok(outAt >= 0, 'scripts.package names its output with --out');
  args.splice(outAt, 2, '--out', out);
  return args;
}

/** Markdown image and link targets, inline (`![a](x)`, `[a](x)`) and as HTML `src`/`href`. */
function targets(markdown: string): { images: string[]; links: string[] } {
  const images = [...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)/g), ...markdown.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
  const links = [...markdown.matchAll(/(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)/g)].map((m) => m[1]);
  return { images, links };
}

describe('packages', () => {
  let dir: string;
  let vsix: Map<string, Buffer>;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-package-'));
    const out = path.join(dir, 'nginx-mtls.vsix');
    execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), ...vsceArguments(out)], { cwd: root, stdio: 'pipe' });
    vsix = zipEntries(readFileSync(out));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the .vsix holds what the extension runs and nothing else', () => {
    const files = [...vsix.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length)).sort();
    const dist = files.filter((f) => f.startsWith('dist/'));
    assert.deepStrictEqual(dist, ['dist/client.js', 'dist/nginx-mtls.schema.json', 'dist/server.js', 'dist/validationWorker.js']);
    assert.ok(!files.some((f) => f.endsWith('.map') || f.endsWith('.ts')), files.join(', '));
    for (const needed of ['package.json', 'readme.md', 'language-configuration.json', 'images/icon.png', 'syntaxes/nginx.tmLanguage.json', 'dist/nginx-mtls.schema.json']) {
      assert.ok(files.includes(needed), `${needed} is packaged`);
    }
    // The snippets are bundled into dist/server.js (the server offers them by context): no snippets/ file.
    const allowed = /^(dist\/(client|server|validationWorker)\.js|dist\/nginx-mtls\.schema\.json|syntaxes\/.*|images\/icon\.png|language-configuration\.json|readme\.md|changelog\.md|LICENSE\.txt|NOTICE|package\.json)$/;
    assert.deepStrictEqual(files.filter((f) => !allowed.test(f)), []);
    // The client runs the server and worker it is shipped with.
    assert.equal(manifest.main, './dist/client.js');
  });

  it("the packaged README's images are absolute https URLs (or packaged files), its links absolute or in-page", () => {
    const readme = vsix.get('extension/readme.md')?.toString('utf8');
    assert.ok(readme, 'the .vsix has a README');
    const { images, links } = targets(readme);
    assert.ok(images.length >= 3, `the README shows the screenshots (${images.join(', ')})`);
    for (const image of images) {
      assert.ok(/^https:\/\//.test(image) || vsix.has(`extension/${image.replace(/^\.\//, '')}`), `image ${image}`);
      assert.ok(!image.endsWith('.svg'), `${image}: the Marketplace refuses SVG images`);
    }
    for (const link of links) assert.ok(/^(https:\/\/|mailto:|#)/.test(link), `link ${link}`);
    // vsce's GitHub issue linking would turn "PKCS#12" into a link to an issue of a repository named DER.
    assert.ok(!readme.includes('/issues/12'), 'no invented issue links');
  });

  it('names one public URL for repository, bugs and homepage', () => {
    assert.equal(manifest.repository.url, `${PUBLIC_URL}.git`);
    assert.equal(manifest.bugs.url, `${PUBLIC_URL}/issues`);
    assert.ok(manifest.homepage.startsWith(PUBLIC_URL), manifest.homepage);
  });
});
