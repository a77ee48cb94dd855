// Lists the nginx directives that may appear only once per block, and those whose value nginx
// checks as "on"/"off" (ngx_conf_set_flag_slot). Once per block: those whose handler in
// ngx_command_t is one of nginx's "set slot" functions that answer "is duplicate" when
// the value is already set (ngx_conf_set_flag_slot, _str_slot, _num_slot, …). Read from
// nginx's sources at HEAD and release-1.22.1; a name counts only when every version and
// module uses such a handler for it. Run by hand:
//   node scripts/directive-data/generate-single-valued.mjs /path/to/nginx.git
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const gitDir = process.argv[2] ?? '/work/.mirror/nginx+nginx/repo';
const git = (...args) => execFileSync('git', [`--git-dir=${gitDir}`, ...args], { maxBuffer: 1 << 28 }).toString();
const DUPLICATE_SLOTS = new Set([
  'ngx_conf_set_flag_slot', 'ngx_conf_set_str_slot', 'ngx_conf_set_num_slot', 'ngx_conf_set_size_slot',
  'ngx_conf_set_off_slot', 'ngx_conf_set_msec_slot', 'ngx_conf_set_sec_slot', 'ngx_conf_set_bufs_slot',
  'ngx_conf_set_enum_slot', 'ngx_conf_set_path_slot', 'ngx_conf_set_access_slot',
  'ngx_http_set_complex_value_slot', 'ngx_http_set_complex_value_size_slot', 'ngx_http_set_complex_value_zero_slot',
  'ngx_stream_set_complex_value_slot', 'ngx_stream_set_complex_value_size_slot', 'ngx_stream_set_complex_value_zero_slot',
]);
const entry = /\{\s*ngx_string\("([a-z0-9_]+)"\),\s*([A-Z0-9_|\s]+?),\s*([a-z0-9_]+),/gs;
const handlers = new Map();
const revisions = ['HEAD', 'release-1.22.1'];
const byRevision = new Map();
for (const rev of revisions) {
  const own = new Map();
  byRevision.set(rev, own);
  const files = git('ls-tree', '-r', '--name-only', rev, 'src').split('\n').filter((f) => f.endsWith('.c'));
  for (const file of files) {
    const source = git('show', `${rev}:${file}`);
    for (const match of source.matchAll(entry)) {
      if (!/NGX_\w+_CONF/.test(match[2])) continue; // variables share the shape; commands have context flags
      if (!handlers.has(match[1])) handlers.set(match[1], new Set());
      handlers.get(match[1]).add(match[3]);
      if (!own.has(match[1])) own.set(match[1], new Set());
      own.get(match[1]).add(match[3]);
    }
  }
}
const single = [...handlers].filter(([, set]) => [...set].every((h) => DUPLICATE_SLOTS.has(h))).map(([name]) => name).sort();
// Only ngx_conf_set_flag_slot answers 'it must be "on" or "off"'; other FLAG-typed
// directives (ssl_ocsp's enum slot accepts "leaf") have handlers of their own.
const onOffIn = (map) => [...map].filter(([, set]) => [...set].every((h) => h === 'ngx_conf_set_flag_slot')).map(([name]) => name).sort();
const onOff = { '1.22.1': onOffIn(byRevision.get('release-1.22.1')), HEAD: onOffIn(byRevision.get('HEAD')) };
// Directives whose value nginx parses as a number, a size or a time (same slot in every version).
const slotOf = (slots) => [...handlers].filter(([, set]) => [...set].every((h) => slots.includes(h))).map(([name]) => name).sort();
const valueSlots = {
  number: slotOf(['ngx_conf_set_num_slot']),
  size: slotOf(['ngx_conf_set_size_slot']),
  time: slotOf(['ngx_conf_set_msec_slot', 'ngx_conf_set_sec_slot']),
};
const commit = git('rev-parse', 'HEAD').trim();
writeFileSync(new URL('../../server/src/directives/data/singleValued.json', import.meta.url),
  JSON.stringify({ source: { repository: 'nginx/nginx', commit, revisions }, directives: single, onOffSlot: onOff, valueSlots }, null, 1) + '\n');
console.log(`${single.length} single-valued directives of ${handlers.size}; on/off: ${onOff['1.22.1'].length} in 1.22.1, ${onOff.HEAD.length} at HEAD`);
