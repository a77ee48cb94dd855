// Bundles the extension client, the language server and the CLI with esbuild.
// The client keeps `vscode` external (the editor provides it); the server and CLI are
// self-contained so `nginx-mtls-language-server --stdio` works without node_modules.
// Bundles are minified (the .vsix and the npm package download and load less); names are kept,
// so stack traces and error names stay readable. Source maps sit beside them for development and
// ship in neither package. The server's metafile (which module imports what) lets the tests
// check what the bundle can reach without reading minified code.
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minify: true, keepNames: true, logLevel: 'warning' };

const [, server] = await Promise.all([
  // The banner lets the client say how long loading its bundle took (client/src/extension.ts).
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], banner: { js: 'var NGINX_MTLS_BUNDLE_START = Date.now();' } }),
  build({ ...common, entryPoints: ['server/src/node/serverMain.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' }, metafile: true }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Validation runs in a worker thread of the server (server/src/node/validationRunner.ts).
  build({ ...common, entryPoints: ['server/src/node/validationWorker.ts'], outfile: 'dist/validationWorker.js' }),
]);
writeFileSync('dist/server.meta.json', JSON.stringify(server.metafile));
chmodSync('dist/server.js', 0o755);
chmodSync('dist/cli.js', 0o755);

// The schema of .nginx-mtls.json comes from the compiled settings schema and rule registry
// (server/src/project/projectSchema.ts), so it always agrees with what the loader accepts.
const { projectSchema } = createRequire(import.meta.url)('../out/server/src/project/projectSchema.js');
writeFileSync('dist/nginx-mtls.schema.json', JSON.stringify(projectSchema(), null, 2) + '\n');
