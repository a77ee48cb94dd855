// Reads nginx's own sources (ngx_command_t tables) for three facts per directive:
//  1. Once per block: the handler refuses a second value at the same level with "is duplicate".
//     Either one of nginx's "set slot" functions (ngx_conf_set_flag_slot, _str_slot, _num_slot,
//     …, each of which starts with `if (field != UNSET) return "is duplicate"`), or a module's
//     own handler whose body returns "is duplicate" (proxy_pass, root, expires, worker_processes…).
//     A few own handlers answer "is duplicate" only for some arguments (limit_conn with the same
//     zone twice, "proxy_redirect off" after another proxy_redirect); they are listed in
//     CONDITIONAL_DUPLICATE below, read from their bodies, and are not counted.
//  2. on/off: the handler is ngx_conf_set_flag_slot (it answers 'it must be "on" or "off"').
//  3. Enumerations: the handler is ngx_conf_set_enum_slot or ngx_conf_set_bitmask_slot and the
//     command's `post` field names an ngx_conf_enum_t / ngx_conf_bitmask_t table; its names are
//     the only values nginx takes (compared without regard to case).
// Read at HEAD and release-1.22.1; a name counts only when every module declaring it agrees.
// Run by hand:
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
/**
 * Own handlers that return "is duplicate" only for some arguments (read from their bodies):
 * the same zone twice (limit_conn, limit_req), "off"/"default" mixed with other values
 * (proxy_redirect, proxy_cookie_*, mirror, http2_push), a first value equal to the unset marker
 * (worker_priority 0). A plain repeat with other arguments is fine.
 */
const CONDITIONAL_DUPLICATE = new Set([
  'ngx_http_limit_conn', 'ngx_http_limit_req', 'ngx_stream_limit_conn',
  'ngx_http_proxy_redirect', 'ngx_http_proxy_cookie_domain', 'ngx_http_proxy_cookie_path', 'ngx_http_proxy_cookie_flags',
  'ngx_http_mirror', 'ngx_http_v2_push',
  // worker_priority: the check is `priority != 0`, so a first "worker_priority 0" does not count.
  'ngx_set_priority',
]);
// { ngx_string("name"), FLAGS, handler, conf, offset, post }
const entry = /\{\s*ngx_string\("([a-z0-9_]+)"\),\s*([A-Z0-9_|\s]+?),\s*([a-z0-9_]+),\s*([A-Za-z0-9_]+),\s*(offsetof\([^)]*\)|[A-Za-z0-9_]+),\s*(&?[A-Za-z0-9_]+)\s*\}/gs;
const valueTable = /ngx_conf_(enum|bitmask)_t\s+([a-z0-9_]+)\[\]\s*=\s*\{(.*?)\{\s*ngx_null_string/gs;
/** Bodies of functions that return "is duplicate", by function name. */
function duplicateHandlersIn(source) {
  const names = new Set();
  for (const fn of source.matchAll(/^([a-z0-9_]+)\([^)]*\)\s*\{(.*?)^\}/gms)) {
    if (fn[2].includes('"is duplicate"')) names.add(fn[1]);
  }
  return names;
}

const revisions = ['HEAD', 'release-1.22.1'];
/** name -> Set of handlers, over every revision (for the duplicate and number/size/time lists). */
const handlers = new Map();
const byRevision = new Map();
const ownDuplicate = new Set();
const conditionalSeen = new Set();
for (const rev of revisions) {
  /** name -> [{ handler, values? }] in this revision */
  const own = new Map();
  byRevision.set(rev, own);
  const files = git('ls-tree', '-r', '--name-only', rev, 'src').split('\n').filter((f) => f.endsWith('.c'));
  for (const file of files) {
    const source = git('show', `${rev}:${file}`);
    const tables = new Map([...source.matchAll(valueTable)].map((m) => [m[2], [...m[3].matchAll(/ngx_string\("([^"]+)"\)/g)].map((v) => v[1])]));
    for (const fn of duplicateHandlersIn(source)) {
      if (CONDITIONAL_DUPLICATE.has(fn)) conditionalSeen.add(fn);
      else ownDuplicate.add(fn);
    }
    for (const match of source.matchAll(entry)) {
      if (!/NGX_\w+_CONF/.test(match[2])) continue; // variables share the shape; commands have context flags
      const [, name, , handler, , , post] = match;
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name).add(handler);
      if (!own.has(name)) own.set(name, []);
      own.get(name).push({ handler, values: tables.get(post.replace(/^&/, '')) });
    }
  }
}
for (const fn of CONDITIONAL_DUPLICATE) if (!conditionalSeen.has(fn)) console.warn(`warning: ${fn} no longer returns "is duplicate" (update CONDITIONAL_DUPLICATE)`);
for (const slot of DUPLICATE_SLOTS) ownDuplicate.delete(slot);
const refusesRepeat = (h) => DUPLICATE_SLOTS.has(h) || ownDuplicate.has(h);
const single = [...handlers].filter(([, set]) => [...set].every(refusesRepeat)).map(([name]) => name).sort();
const byOwnHandler = [...handlers].filter(([, set]) => [...set].every(refusesRepeat) && [...set].some((h) => ownDuplicate.has(h))).map(([name]) => name).sort();
// Only ngx_conf_set_flag_slot answers 'it must be "on" or "off"'; other FLAG-typed
// directives (ssl_ocsp's enum slot accepts "leaf") have handlers of their own.
const onOffIn = (map) => [...map].filter(([, list]) => list.every((d) => d.handler === 'ngx_conf_set_flag_slot')).map(([name]) => name).sort();
const onOff = { '1.22.1': onOffIn(byRevision.get('release-1.22.1')), HEAD: onOffIn(byRevision.get('HEAD')) };
/** Directives every declaration of which is an enum (or bitmask) slot with a values table: name -> values (union). */
function valuesIn(map, slot) {
  const out = {};
  for (const [name, list] of [...map].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!list.every((d) => d.handler === slot && d.values)) continue;
    out[name] = [...new Set(list.flatMap((d) => d.values))];
  }
  return out;
}
const enumValues = { '1.22.1': valuesIn(byRevision.get('release-1.22.1'), 'ngx_conf_set_enum_slot'), HEAD: valuesIn(byRevision.get('HEAD'), 'ngx_conf_set_enum_slot') };
const bitmaskValues = { '1.22.1': valuesIn(byRevision.get('release-1.22.1'), 'ngx_conf_set_bitmask_slot'), HEAD: valuesIn(byRevision.get('HEAD'), 'ngx_conf_set_bitmask_slot') };
// Directives whose value nginx parses as a number, a size or a time (same slot in every version).
const slotOf = (slots) => [...handlers].filter(([, set]) => [...set].every((h) => slots.includes(h))).map(([name]) => name).sort();
const valueSlots = {
  number: slotOf(['ngx_conf_set_num_slot']),
  size: slotOf(['ngx_conf_set_size_slot']),
  time: slotOf(['ngx_conf_set_msec_slot', 'ngx_conf_set_sec_slot']),
};
const commit = git('rev-parse', 'HEAD').trim();
writeFileSync(new URL('../../server/src/directives/data/singleValued.json', import.meta.url),
  JSON.stringify({
    source: { repository: 'nginx/nginx', commit, revisions, generator: 'scripts/directive-data/generate-single-valued.mjs' },
    directives: single, duplicateByOwnHandler: byOwnHandler, onOffSlot: onOff, enumValues, bitmaskValues, valueSlots,
  }, null, 1) + '\n');
console.log(`${single.length} single-valued directives of ${handlers.size} (${byOwnHandler.length} by their own handler); on/off: ${onOff['1.22.1'].length} in 1.22.1, ${onOff.HEAD.length} at HEAD; `
  + `enum: ${Object.keys(enumValues['1.22.1']).length}/${Object.keys(enumValues.HEAD).length}, bitmask: ${Object.keys(bitmaskValues['1.22.1']).length}/${Object.keys(bitmaskValues.HEAD).length}`);
