/**
 * Mutations generated from the directive data rather than from corpus files: for every nginx
 * directive (1.22.1, nginx's own modules) whose handler refuses a repeat, the directive twice
 * in one block; for every on/off, enum and bitmask directive, a value outside its table. Each
 * mutant is one small configuration with the directive in a block where it is allowed, written
 * with a valid sample argument taken from the directive's kind (its slot), its value table or
 * its documented default.
 */
import { flagsFor, getDirectiveTable } from '../../server/src/directives/directiveTable';
import type { DirectiveEntry } from '../../server/src/directives/directiveTypes';
import { allowedValues, checksOnOff, refusesRepeat } from '../../server/src/directives/directiveValues';
import singleValued from '../../server/src/directives/data/singleValued.json';

export const VERSION = '1.22.1';

/** Where a statement goes in the skeleton configuration. */
export type Slot = 'main' | 'events' | 'http' | 'upstream' | 'server' | 'location' | 'stream' | 'stream-upstream' | 'stream-server';

export interface DirectiveMutation {
  kind: 'duplicate' | 'invalid-value';
  directive: string;
  slot: Slot;
  /** The statements put in the slot, one per line. */
  lines: string[];
  /** Index into `lines` of the statement nginx should stop at. */
  target: number;
}

export interface Skipped {
  directive: string;
  kind: 'duplicate' | 'invalid-value';
  reason: string;
}

/** Block kinds by the flag that allows them, most specific first (one block is enough). */
const SLOT_BY_FLAG: [string, Slot][] = [
  ['NGX_HTTP_LOC_CONF', 'location'], ['NGX_HTTP_SRV_CONF', 'server'], ['NGX_HTTP_MAIN_CONF', 'http'], ['NGX_HTTP_UPS_CONF', 'upstream'],
  ['NGX_STREAM_SRV_CONF', 'stream-server'], ['NGX_STREAM_MAIN_CONF', 'stream'], ['NGX_STREAM_UPS_CONF', 'stream-upstream'],
  ['NGX_EVENT_CONF', 'events'], ['NGX_MAIN_CONF', 'main'],
];

const SLOT_FAMILY: Record<Slot, 'core' | 'http' | 'stream'> = {
  main: 'core', events: 'core', http: 'http', upstream: 'http', server: 'http', location: 'http', stream: 'stream', 'stream-upstream': 'stream', 'stream-server': 'stream',
};

/**
 * Valid arguments for directives whose handler is a module's own (no slot kind to go by) and
 * whose documented default is missing or not a usable value.
 */
const SAMPLES: Record<string, string> = {
  proxy_pass: 'http://127.0.0.1:1', 'stream:proxy_pass': '127.0.0.1:1', fastcgi_pass: '127.0.0.1:1', uwsgi_pass: '127.0.0.1:1',
  scgi_pass: '127.0.0.1:1', memcached_pass: '127.0.0.1:1', grpc_pass: '127.0.0.1:1', root: '/tmp', alias: '/tmp/',
  expires: '1h', proxy_cache: 'off', fastcgi_cache: 'off', uwsgi_cache: 'off', scgi_cache: 'off',
  proxy_cache_key: '$uri', fastcgi_cache_key: '$uri', uwsgi_cache_key: '$uri', scgi_cache_key: '$uri',
  proxy_store: 'off', fastcgi_store: 'off', uwsgi_store: 'off', scgi_store: 'off',
  proxy_bind: 'off', fastcgi_bind: 'off', uwsgi_bind: 'off', scgi_bind: 'off', memcached_bind: 'off', grpc_bind: 'off', 'stream:proxy_bind': 'off',
  worker_processes: '1', worker_connections: '64', worker_priority: '0', worker_cpu_affinity: 'auto', user: 'nobody',
  try_files: '$uri =404', auth_request: '/auth', auth_basic_user_file: 'htpasswd', charset: 'utf-8', source_charset: 'utf-8',
  keepalive: '2', keepalive_timeout: '10s', resolver: '127.0.0.1', internal: '', limit_except: '', directio: 'off', aio: 'off',
  open_file_cache: 'off', open_log_file_cache: 'off', disable_symlinks: 'off', real_ip_header: 'X-Real-IP',
  userid_expires: 'off', userid_mark: 'off', ssl_password_file: 'pw.txt', proxy_ssl_password_file: 'pw.txt',
  grpc_ssl_password_file: 'pw.txt', uwsgi_ssl_password_file: 'pw.txt', ssl_ocsp_cache: 'off', use: 'epoll',
  default_type: 'text/plain', server_name: 'mutant.example', error_log: 'stderr', pid: 'nginx.pid',
  fastcgi_buffers: '8 4k', proxy_buffers: '8 4k', scgi_buffers: '8 4k', uwsgi_buffers: '8 4k', gzip_buffers: '8 4k', gunzip_buffers: '8 4k',
  fastcgi_cache_max_range_offset: '1000', proxy_cache_max_range_offset: '1000', scgi_cache_max_range_offset: '1000', uwsgi_cache_max_range_offset: '1000',
  fastcgi_index: 'index.php', add_after_body: '/after', add_before_body: '/before', post_action: '/post', proxy_method: 'GET', proxy_set_body: 'body',
  secure_link: '$arg_md5', secure_link_md5: '$uri', secure_link_secret: 'secret', uwsgi_string: 'x', worker_rlimit_core: '1m', working_directory: '/tmp',
  // Files are opened after the whole configuration is read; a repeat is refused before that.
  ssl_client_certificate: 'x.pem', ssl_trusted_certificate: 'x.pem', ssl_crl: 'x.pem', ssl_dhparam: 'x.pem', ssl_stapling_file: 'x.der',
  ssl_ocsp_responder: 'http://127.0.0.1:1', ssl_stapling_responder: 'http://127.0.0.1:1', ssl_alpn: 'h2', ssl_engine: 'mutant',
  proxy_ssl_certificate: 'x.pem', proxy_ssl_certificate_key: 'x.pem', proxy_ssl_crl: 'x.pem', proxy_ssl_trusted_certificate: 'x.pem',
  grpc_ssl_certificate: 'x.pem', grpc_ssl_certificate_key: 'x.pem', grpc_ssl_crl: 'x.pem', grpc_ssl_trusted_certificate: 'x.pem',
  uwsgi_ssl_certificate: 'x.pem', uwsgi_ssl_certificate_key: 'x.pem', uwsgi_ssl_crl: 'x.pem', uwsgi_ssl_trusted_certificate: 'x.pem',
};

/** A value no table has. */
export const INVALID_VALUE = 'mutant_value';

function onlyNginx(name: string): DirectiveEntry[] {
  return getDirectiveTable().entriesForVersion(name, VERSION).filter((e) => !e.thirdParty && e.debianFull === true && e.moduleType !== 'MAIL');
}

function slotOf(entry: DirectiveEntry): Slot | undefined {
  const flags = flagsFor(entry, VERSION);
  if (flags.includes('NGX_CONF_BLOCK')) return undefined;
  return SLOT_BY_FLAG.find(([flag]) => flags.includes(flag))?.[1];
}

/** Takes exactly one argument, or none (for the SAMPLES that are empty). */
function takesOne(entry: DirectiveEntry): boolean {
  const flags = flagsFor(entry, VERSION);
  return flags.some((f) => /^NGX_CONF_(TAKE1|TAKE12|TAKE123|TAKE1234|TAKE13|FLAG|1MORE|ANY)$/.test(f));
}

function sample(name: string, entry: DirectiveEntry, slot: Slot): string | undefined {
  const family = SLOT_FAMILY[slot];
  const own = SAMPLES[`${family}:${name}`] ?? SAMPLES[name];
  if (own !== undefined) return own;
  if (checksOnOff(name, VERSION)) return 'on';
  const allowed = allowedValues(name, VERSION);
  if (allowed) return allowed.values[0];
  if (singleValued.valueSlots.number.includes(name)) return '1';
  if (singleValued.valueSlots.size.includes(name)) return '8k';
  if (singleValued.valueSlots.time.includes(name)) return '10s';
  const def = entry.default?.trim();
  if (def && !/[—…]|^\s*$/.test(def) && !def.includes('|')) return def;
  return undefined;
}

/** Every duplicate and invalid-value mutation the data allows, and what could not be generated. */
export function directiveMutations(): { mutations: DirectiveMutation[]; skipped: Skipped[] } {
  const mutations: DirectiveMutation[] = [];
  const skipped: Skipped[] = [];
  const names = [...getDirectiveTable().names()].sort();
  for (const name of names) {
    const entries = onlyNginx(name);
    if (entries.length === 0) continue;
    const wantsDuplicate = refusesRepeat(name);
    const table = allowedValues(name, VERSION);
    const wantsValue = checksOnOff(name, VERSION) || table !== undefined;
    if (!wantsDuplicate && !wantsValue) continue;
    const entry = entries.find((e) => slotOf(e) !== undefined);
    const slot = entry ? slotOf(entry) : undefined;
    const skip = (reason: string): void => {
      if (wantsDuplicate) skipped.push({ directive: name, kind: 'duplicate', reason });
      if (wantsValue) skipped.push({ directive: name, kind: 'invalid-value', reason });
    };
    if (!entry || !slot) { skip('a block directive or no http/stream/core context'); continue; }
    const value = sample(name, entry, slot);
    if (value === undefined) { skip('no sample argument'); continue; }
    const statement = value === '' ? `${name};` : `${name} ${value};`;
    if (wantsDuplicate) mutations.push({ kind: 'duplicate', directive: name, slot, lines: [statement, statement], target: 1 });
    if (wantsValue) {
      if (!takesOne(entry)) { skipped.push({ directive: name, kind: 'invalid-value', reason: 'takes no single argument' }); continue; }
      mutations.push({ kind: 'invalid-value', directive: name, slot, lines: [`${name} ${INVALID_VALUE};`], target: 0 });
    }
  }
  return { mutations, skipped };
}

/**
 * The skeleton configuration with the mutation's lines in its slot; `line` is the 1-based line
 * of the target statement. `prefix` is the case's own directory (temp paths, pid).
 */
export function mutantConfig(m: DirectiveMutation, prefix: string, modules: readonly string[]): { text: string; line: number } {
  const slot = (s: Slot): string[] => (m.slot === s ? m.lines : []);
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${prefix}/${t}_temp;`).join(' ');
  const out: string[] = [
    modules.join(' '),
    ...(m.slot === 'main' && m.lines.some((l) => /^(pid|error_log) /.test(l)) ? [] : [`pid ${prefix}/nginx.pid; error_log stderr;`]),
    ...slot('main'),
    'events {', ...slot('events'), '}',
    `http { ${temps}`, ...slot('http'),
    'upstream mutant_u { server 127.0.0.1:1;', ...slot('upstream'), '}',
    'server { listen 127.0.0.1:18080;', ...slot('server'),
    'location / {', ...slot('location'), '}',
    '}',
    '}',
    'stream {', ...slot('stream'),
    'upstream mutant_su { server 127.0.0.1:1;', ...slot('stream-upstream'), '}',
    // A stream server needs a content handler; `return` is one nothing here repeats.
    'server { listen 127.0.0.1:18081;', ...slot('stream-server'), 'return x;', '}',
    '}',
  ];
  const first = out.indexOf(m.lines[0]);
  return { text: out.join('\n') + '\n', line: first + m.target + 1 };
}
