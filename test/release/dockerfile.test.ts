/**
 * Static checks of the Dockerfile (docker itself is not needed): a pinned slim Node base, the
 * package `npm pack` writes as the only thing copied (and let through by .dockerignore), a
 * production install, and an entry point that is one of the package's bins.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageJson, REPO } from './npmPackage';

interface Instruction { keyword: string; args: string }

/** Dockerfile instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return logical.map((line) => {
    const space = line.search(/\s/);
    return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
  });
}

/** Docker's glob (`*` within a path segment) as a regular expression. */
function dockerGlob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** Whether .dockerignore sends a file to the build: the last matching line decides. */
export function dockerIgnoreSends(ignoreText: string, file: string): boolean {
  let sent = true;
  for (const raw of ignoreText.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (dockerGlob(negated ? line.slice(1) : line).test(file)) sent = negated;
  }
  return sent;
}

describe('Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));
  const ignore = readFileSync(path.join(REPO, '.dockerignore'), 'utf8');
  const all = (keyword: string): string[] => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const tarball = `${packageJson.name}-${packageJson.version}.tgz`;

  it('builds on a slim Node image of the engines version, pinned by tag', () => {
    const from = all('FROM');
    assert.equal(from.length, 1);
    const match = /^node:(\d+)-[a-z]+-slim$/.exec(from[0]);
    assert.ok(match, `FROM ${from[0]}: expected node:<major>-<debian release>-slim`);
    const engine = /^>=(\d+)/.exec((JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node);
    assert.equal(match[1], engine?.[1], 'the Node major of the image is the one engines.node asks for');
  });

  it('copies only the npm package, which .dockerignore lets through', () => {
    const copies = all('COPY').concat(all('ADD'));
    assert.equal(copies.length, 1);
    const [source] = copies[0].split(/\s+/);
    assert.match(tarball, dockerGlob(source), `COPY ${source} does not match what npm pack writes (${tarball})`);
    assert.ok(dockerIgnoreSends(ignore, tarball), '.dockerignore keeps the package out of the build context');
    for (const other of ['node_modules', 'src', 'package.json', '.git', 'dist', 'nginx-mtls.vsix']) {
      assert.ok(!dockerIgnoreSends(ignore, other), `.dockerignore lets ${other} through`);
    }
  });

  it('installs the package globally without dev dependencies', () => {
    const run = all('RUN').join(' ');
    assert.match(run, /npm install --global --omit=dev [^&]*\/tmp\/nginx-mtls\.tgz/);
  });

  it('runs a bin of the package from /work, not as root', () => {
    const entrypoint = JSON.parse(all('ENTRYPOINT')[0]) as string[];
    assert.deepEqual(entrypoint, ['nginx-mtls']);
    assert.ok(entrypoint[0] in packageJson.bin);
    assert.deepEqual(all('WORKDIR'), ['/work']);
    assert.deepEqual(all('USER'), ['node']);
  });
});
