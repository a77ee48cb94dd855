/**
 * Runs the extension-host suite (suite/index.ts) in desktop VS Code with @vscode/test-electron.
 * Uses $VSCODE_TEST_EXECUTABLE when set, else downloads VS Code ($VSCODE_TEST_VERSION, default
 * "stable"). Exits non-zero when VS Code cannot be found or downloaded: this is an explicit test
 * (`npm run test:electron`, on Linux under `xvfb-run -a`), not part of `npm test`.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

// Compiled to out/e2e/electron/, three levels below the repository root.
const root = path.resolve(__dirname, '../../..');

async function vscodeExecutable(): Promise<string> {
  const fromEnv = process.env.VSCODE_TEST_EXECUTABLE;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`VSCODE_TEST_EXECUTABLE=${fromEnv} does not exist`);
    return fromEnv;
  }
  try {
    return await downloadAndUnzipVSCode(process.env.VSCODE_TEST_VERSION ?? 'stable');
  } catch (error) {
    throw new Error(`cannot download VS Code (${error instanceof Error ? error.message : String(error)}). ` +
      'Set VSCODE_TEST_EXECUTABLE to a VS Code binary (e.g. /usr/share/code/code) or allow access to update.code.visualstudio.com.');
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'dist', 'client.js')) || !existsSync(path.join(root, 'dist', 'server.js'))) {
    throw new Error('dist/client.js or dist/server.js is missing: run "npm run build" first');
  }
  const executable = await vscodeExecutable();
  // A fresh copy of the scenario workspace (and the examples with their PKI) per run.
  const workspace = mkdtempSync(path.join(tmpdir(), 'nginx-mtls-electron-'));
  cpSync(path.join(root, 'e2e', 'workspace'), workspace, { recursive: true });
  if (existsSync(path.join(root, 'examples'))) cpSync(path.join(root, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`test:electron FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
