/**
 * The npm package as users get it: `npm pack` of the built repository (scripts skipped: the
 * test run has built dist/ already), unpacked into a temporary folder outside the repository,
 * so its bins run without the repository's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');

export interface PackageJson { name: string; version: string; bin: Record<string, string>; scripts: Record<string, string> }
export const packageJson = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;

export interface PackedPackage {
  /** The folder holding the tarball and the unpacked `package/`. */
  dir: string;
  tarball: string;
  /** Paths inside the package, as npm lists them. */
  files: string[];
  /** The unpacked package's root. */
  root: string;
}

export function packAndUnpack(): PackedPackage {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-pack-'));
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(dir, info.filename);
  const unpacked = spawnSync('tar', ['-xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (unpacked.status !== 0) throw new Error(`tar failed: ${unpacked.stderr}`);
  return { dir, tarball, files: info.files.map((f) => f.path), root: path.join(dir, 'package') };
}

/** The file a bin of package.json names, inside the unpacked package. */
export function binPath(pkg: PackedPackage, bin: string): string {
  const target = packageJson.bin[bin];
  if (!target) throw new Error(`package.json declares no bin "${bin}"`);
  return path.join(pkg.root, target);
}
