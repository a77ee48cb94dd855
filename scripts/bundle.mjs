// Bundles the extension client, the language server and the CLI with esbuild.
// The client keeps `vscode` external (the editor provides it); the server and CLI are
// self-contained so `nginx-mtls-language-server --stdio` works without node_modules.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/serverMain.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Validation runs in a worker thread of the server (server/src/node/validationRunner.ts).
  build({ ...common, entryPoints: ['server/src/node/validationWorker.ts'], outfile: 'dist/validationWorker.js' }),
]);
chmodSync('dist/server.js', 0o755);
chmodSync('dist/cli.js', 0o755);
