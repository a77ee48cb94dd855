/**
 * The project file, the editor settings and the command line say the same things: every key
 * of .nginx-mtls.json is a setting in package.json and an option of `check` (same type,
 * default and allowed values), and whatever one of them has that the others lack is listed
 * with its reason in server/src/project/projectKeys.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import { runCli } from '../../server/src/cli/main';
import { parseProjectConfig } from '../../server/src/project/projectConfig';
import { CLI_ONLY_FLAGS, EDITOR_ONLY_SETTINGS, PROJECT_FILE_NAME, PROJECT_KEYS, type ProjectKey } from '../../server/src/project/projectKeys';
import { projectSchema } from '../../server/src/project/projectSchema';
import { RULE_SEVERITIES } from '../../server/src/service/settings';

const ROOT = path.resolve(__dirname, '../../..');
type Json = Record<string, unknown>;
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Json> }; jsonValidation?: { fileMatch: string; url: string }[]; languages: { id: string; filenames?: string[] }[] };
};
const settings = manifest.contributes.configuration.properties;
const keys = Object.keys(PROJECT_KEYS) as ProjectKey[];

async function helpText(): Promise<string> {
  let out = '';
  await runCli(['--help'], (s) => { out += s; }, () => undefined);
  return out;
}

/** A valid value of each key, as a file would hold it and as the option takes it. */
const SAMPLES: Record<ProjectKey, { file: unknown; flag: string }> = {
  mainConfig: { file: 'nginx.conf', flag: 'nginx.conf' },
  pathMappings: { file: { '/etc/nginx': '.' }, flag: '/etc/nginx=.' },
  targetVersion: { file: '1.22.1', flag: '1.22.1' },
  certificateExpiryWarningDays: { file: 14, flag: '14' },
  rules: { file: { 'tls.cert-validity': 'off' }, flag: 'tls.cert-validity=off' },
  ignore: { file: ['legacy/'], flag: 'legacy/' },
};

describe('project file, settings and command line agree', () => {
  const schema = projectSchema() as { properties: Record<string, Json> };

  it('the schema shipped in dist is the one the code generates', () => {
    const shipped = path.join(ROOT, 'dist/nginx-mtls.schema.json');
    assert.ok(existsSync(shipped), 'npm run build writes dist/nginx-mtls.schema.json');
    assert.deepEqual(JSON.parse(readFileSync(shipped, 'utf8')), projectSchema());
  });

  it('VS Code validates .nginx-mtls.json with it, reads it as JSON with comments, and the .vsix ships it', () => {
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: PROJECT_FILE_NAME, url: './dist/nginx-mtls.schema.json' }]);
    assert.ok(manifest.contributes.languages.some((l) => l.id === 'jsonc' && l.filenames?.includes(PROJECT_FILE_NAME)));
    assert.match(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!dist\/nginx-mtls\.schema\.json$/m);
  });

  it('the schema has exactly the keys of the key table, each documented', () => {
    const { $schema: _ignored, ...properties } = schema.properties;
    assert.deepEqual(Object.keys(properties).sort(), [...keys].sort());
    for (const key of keys) assert.ok(String(properties[key].markdownDescription).length > 40, `${key} is described`);
  });

  for (const key of keys) {
    it(`${key}: the setting has the schema's type, default and allowed values`, () => {
      const property = schema.properties[key];
      const setting = settings[`nginxMtls.${PROJECT_KEYS[key].setting}`];
      assert.ok(setting, `package.json contributes nginxMtls.${PROJECT_KEYS[key].setting}`);
      // JSON schema says integer where VS Code settings say number.
      assert.equal(property.type === 'integer' ? 'number' : property.type, setting.type);
      assert.deepEqual(property.default, setting.default);
      for (const facet of ['minimum', 'maximum', 'enum', 'items']) assert.deepEqual(property[facet], setting[facet], `${key}.${facet}`);
      if (key === 'rules') {
        const severities = (setting.additionalProperties as Json).enum;
        assert.deepEqual(severities, [...RULE_SEVERITIES]);
        const ruleProperties = property.properties as Record<string, Json>;
        assert.deepEqual(Object.keys(ruleProperties).sort(), allRules().map((r) => r.code).sort());
        for (const rule of Object.values(ruleProperties)) assert.deepEqual(rule.enum, severities);
      }
      if (key === 'pathMappings') assert.deepEqual(property.additionalProperties, setting.additionalProperties);
    });
  }

  it('every setting is a key of the file or listed as editor-only with a reason', () => {
    const bound = new Set(keys.map((k) => PROJECT_KEYS[k].setting as string));
    for (const name of Object.keys(settings)) {
      const short = name.replace(/^nginxMtls\./, '');
      assert.ok(bound.has(short) !== (short in EDITOR_ONLY_SETTINGS), `${name}: a key of the file, or editor-only, not both or neither`);
    }
    for (const short of Object.keys(EDITOR_ONLY_SETTINGS)) assert.ok(settings[`nginxMtls.${short}`], `editor-only ${short} exists`);
  });

  it('every option of check is a key of the file or listed as CLI-only with a reason, and the help shows each', async () => {
    const help = await helpText();
    const checkOptions = help.slice(help.indexOf('Options of check:'), help.indexOf('Exit status'));
    const flags = new Set([...checkOptions.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]));
    const bound = new Set(keys.map((k) => PROJECT_KEYS[k].flag));
    for (const flag of flags) assert.ok(bound.has(flag) !== (flag in CLI_ONLY_FLAGS), `${flag}: a key of the file, or CLI-only, not both or neither`);
    for (const flag of [...bound, ...Object.keys(CLI_ONLY_FLAGS)]) assert.ok(flags.has(flag), `the help shows ${flag}`);
  });

  describe('values', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-agreement-'));
      writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {}\n');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('the loader takes a sample of every key without a problem, and refuses a wrong type', () => {
      const file = Object.fromEntries(keys.map((k) => [k, SAMPLES[k].file]));
      assert.deepEqual(parseProjectConfig(JSON.stringify(file), path.join(dir, PROJECT_FILE_NAME)).problems, []);
      for (const key of keys) {
        const wrong = typeof SAMPLES[key].file === 'string' ? 7 : 'seven';
        const { problems } = parseProjectConfig(JSON.stringify({ [key]: wrong }), path.join(dir, PROJECT_FILE_NAME));
        assert.equal(problems.length, 1, `${key}: ${JSON.stringify(problems)}`);
      }
    });

    for (const key of keys) {
      it(`the option of ${key} takes the same value${PROJECT_KEYS[key].repeatable ? ', repeated' : ''}`, async () => {
        const { flag, repeatable } = PROJECT_KEYS[key];
        const value = key === 'mainConfig' ? path.join(dir, 'nginx.conf') : SAMPLES[key].flag;
        const args = ['check', dir, '--no-config', flag, value, ...(repeatable ? [flag, value] : [])];
        let err = '';
        const code = await runCli(args, () => undefined, (s) => { err += s; });
        assert.equal(code, 0, `${args.join(' ')}: ${err}`);
      });
    }
  });
});
