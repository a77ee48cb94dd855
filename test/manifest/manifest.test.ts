/**
 * Keeps the VS Code manifest (package.json) in step with the code: the settings schema of the
 * server, the command ids of common/protocol.ts, and the language/grammar conventions.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Commands, LANGUAGE_ID, SETTINGS_SECTION } from '../../common/protocol';
import { VALIDATION_WORKER_SETTING } from '../../common/serverLaunch';
import { globToRegExp } from '../../server/src/project/ignoreGlobs';
import { SETTINGS_PREFIX, SETTINGS_SCHEMA } from '../../server/src/service/settings';

interface Manifest {
  main: string;
  activationEvents?: string[];
  contributes: {
    languages: { id: string; aliases?: string[]; extensions?: string[]; filenames?: string[]; filenamePatterns?: string[] }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: { command: string; title: string; category?: string }[];
    configuration: { title: string; properties: Record<string, unknown> };
  };
}

// Compiled to out/test/manifest/, so the repository root is three levels up.
const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

/** VS Code matches a pattern without a slash against the base name, one with a slash against the full path. */
function claims(pattern: string, filePath: string): boolean {
  const target = pattern.includes('/') ? filePath : path.posix.basename(filePath);
  return globToRegExp(pattern).test(target);
}

describe('package.json manifest', () => {
  it('contributes exactly the settings of SETTINGS_SCHEMA plus the client\'s trace.server and validationWorker', () => {
    assert.equal(SETTINGS_PREFIX, SETTINGS_SECTION);
    const expected: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(SETTINGS_SCHEMA)) expected[`${SETTINGS_PREFIX}.${name}`] = schema;
    const { [`${SETTINGS_PREFIX}.trace.server`]: trace, [`${SETTINGS_PREFIX}.${VALIDATION_WORKER_SETTING}`]: worker, ...settings } = manifest.contributes.configuration.properties;
    const { type: workerType, default: workerDefault, scope: workerScope } = worker as Record<string, unknown>;
    assert.deepStrictEqual({ workerType, workerDefault, workerScope }, { workerType: 'boolean', workerDefault: false, workerScope: 'window' });
    assert.deepStrictEqual(settings, expected);
    assert.ok(trace, 'nginxMtls.trace.server is contributed');
    const { type, default: def, enum: values, scope } = trace as Record<string, unknown>;
    assert.deepStrictEqual({ type, default: def, enum: values, scope },
      { type: 'string', default: 'off', enum: ['off', 'messages', 'verbose'], scope: 'window' });
  });

  it('contributes every command of common/protocol.ts and no other', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepStrictEqual(contributed, Object.values(Commands).sort());
    for (const c of manifest.contributes.commands) assert.ok(c.title, `${c.command} has a title`);
  });

  it('registers the language id nginx with the alias Nginx first and the grammar source.nginx', () => {
    const language = manifest.contributes.languages.find((l) => l.id === LANGUAGE_ID);
    assert.ok(language, 'language nginx is contributed');
    assert.equal(language.aliases?.[0], 'Nginx');
    const grammar = manifest.contributes.grammars.find((g) => g.language === LANGUAGE_ID);
    assert.equal(grammar?.scopeName, 'source.nginx');
    assert.equal(manifest.main, './dist/client.js');
    // Activation comes from the contributed language (implicit onLanguage:nginx), and from a
    // workspace that holds an nginx configuration, so the server is up before the first file opens.
    const events = manifest.activationEvents ?? [];
    assert.deepStrictEqual(events.filter((e) => !e.startsWith('workspaceContains:')), [], 'nothing but workspaceContains');
    assert.ok(events.includes('workspaceContains:**/nginx.conf'));
  });

  it('starts early only in workspaces that hold an nginx configuration', () => {
    const patterns = (manifest.activationEvents ?? []).map((e) => e.slice('workspaceContains:'.length));
    const nginxFiles = ['etc/nginx/nginx.conf', 'nginx.conf', 'deploy/sites-enabled/default', 'x/sites-available/app', '.nginx-mtls.json'];
    for (const file of nginxFiles) assert.ok(patterns.some((p) => claims(p, file)), `${file} starts the extension`);
    const foreign = ['project/app.conf', 'etc/supervisor/conf.d/app.conf', 'etc/httpd/conf/httpd.conf', 'etc/mime.types', 'package.json'];
    for (const file of foreign) assert.ok(!patterns.some((p) => claims(p, file)), `${file} does not start the extension`);
  });

  it('does not claim every *.conf file or mime.types', () => {
    const language = manifest.contributes.languages.find((l) => l.id === LANGUAGE_ID);
    assert.ok(language);
    const patterns = language.filenamePatterns ?? [];
    assert.ok(!patterns.includes('**/*.conf'), 'no **/*.conf');
    assert.ok(!patterns.includes('*.conf'), 'no *.conf');
    assert.ok(!(language.extensions ?? []).includes('.conf'), 'no .conf extension');
    assert.ok(!(language.filenames ?? []).includes('mime.types'), 'mime.types is not claimed by name');
    const foreign = ['project/app.conf', 'etc/supervisor/supervisord.conf', 'etc/mime.types', 'etc/nginx/mime.types',
      'home/me/.config/fontconfig/fonts.conf', 'etc/httpd/conf/httpd.conf'];
    for (const pattern of patterns) {
      for (const file of foreign) assert.ok(!claims(pattern, file), `${pattern} must not claim ${file}`);
    }
    // Sanity check of the matcher itself, so the negative assertions above mean something.
    assert.ok(patterns.some((p) => claims(p, 'etc/nginx/conf.d/default.conf')));
  });
});
