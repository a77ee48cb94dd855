/**
 * The README is the Marketplace page, the npm page and the repository's front page: its first
 * lines are the two commands a newcomer runs, its images render everywhere (absolute URLs of
 * files that exist), and its relative links lead to files of the repository.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const README = readFileSync(path.join(root, 'README.md'), 'utf8');
const IMAGE_BASE = 'https://raw.githubusercontent.com/nginx-mtls/nginx-mtls/main/';

describe('README', () => {
  it('starts with the two commands a newcomer runs', () => {
    const commands = README.split('\n').slice(2, 6);
    assert.equal(commands[0], '```sh');
    assert.ok(commands[1].startsWith('npm ci && npm start '), commands[1]);
    // As root without sudo (a container) and as a user with sudo alike.
    assert.ok(commands[2].startsWith('$(command -v sudo) apt-get install -y nginx-full openssl && npm ci && npm test '), commands[2]);
    assert.equal(commands[3], '```');
  });

  it('shows images by absolute URLs of files in the repository', () => {
    const images = [...README.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 3, images.join(', '));
    for (const image of images) {
      assert.ok(image.startsWith(IMAGE_BASE), `${image} is not under ${IMAGE_BASE}`);
      assert.ok(existsSync(path.join(root, image.slice(IMAGE_BASE.length))), `${image} names no file of the repository`);
    }
  });

  it('links relatively only to files that exist', () => {
    const links = [...README.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^(https?:|mailto:|#)/.test(l));
    assert.ok(links.length > 0);
    for (const link of links) assert.ok(existsSync(path.join(root, link.replace(/#.*$/, ''))), link);
  });
});
