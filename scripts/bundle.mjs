// Bundles the extension client, the language server and the CLI with esbuild.
// The client keeps `vscode` external (the editor provides it); the server and CLI are
// self-contained so `nginx-mtls-language-server --stdio` works without node_modules.
// Bundles are minified (the .vsix and the npm package download and load less); names are kept,
// so stack traces and error names stay readable. Source maps sit beside them for development and
// ship in neither package. The server's metafile (which module imports what) lets the tests
// check what the bundle can reach without reading minified code.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Bundled JSON (the directive table, values, docs, snippets) goes in as `JSON.parse('…')`
 * instead of esbuild's object literal: V8 reads a JSON string with its JSON parser, where a
 * literal of the directive table's 430 KB is compiled as code first, and the memory that
 * compilation takes stays with the process (peak RSS of `nginx-mtls --version` 53.5 -> 49.7 MB,
 * of a check of the bench tree 164 -> 160 MB; issue #15). Whitespace is dropped on the way.
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(builder) {
    builder.onLoad({ filter: /\.json$/ }, (args) => {
      const text = JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8')));
      // The minifier picks the quotes that need the fewest escapes.
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minify: true, keepNames: true, logLevel: 'warning', plugins: [jsonAsString] };

const [, server] = await Promise.all([
  // The banner lets the client say how long loading its bundle took (client/src/extension.ts).
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], banner: { js: 'var NGINX_MTLS_BUNDLE_START = Date.now();' } }),
  build({ ...common, entryPoints: ['server/src/node/serverMain.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' }, metafile: true }),
  build({ ...common, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
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
