/**
 * Lookup over the generated directive table, and nginx's own checks of a directive
 * against its context and argument count, as ngx_conf_handler() in
 * src/core/ngx_conf_file.c performs them.
 */
import tableData from './data/directives.json';
import type { DirectiveEntry, DirectiveTableData, ModuleType } from './directiveTypes';
import { compareVersions } from './versions';

/** The kinds of block a directive can stand in. */
export type ContextKind =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'if-in-server'
  | 'if-in-location'
  | 'limit_except'
  | 'upstream'
  | 'stream'
  | 'stream-server'
  | 'stream-upstream'
  | 'mail'
  | 'mail-server'
  /** Bodies handed to a module's own parser (`map`, `types`, `geo`…): not directives. */
  | 'custom-body'
  /** Somewhere we cannot tell (inside an unknown block): context checks are skipped. */
  | 'unknown';

interface ContextMask {
  moduleType: ModuleType;
  flag: string;
}

/** `cf->module_type` and `cf->cmd_type` of each context, from the block handlers in nginx. */
const CONTEXT_MASKS: Partial<Record<ContextKind, ContextMask>> = {
  main: { moduleType: 'CORE', flag: 'NGX_MAIN_CONF' },
  events: { moduleType: 'EVENT', flag: 'NGX_EVENT_CONF' },
  http: { moduleType: 'HTTP', flag: 'NGX_HTTP_MAIN_CONF' },
  server: { moduleType: 'HTTP', flag: 'NGX_HTTP_SRV_CONF' },
  location: { moduleType: 'HTTP', flag: 'NGX_HTTP_LOC_CONF' },
  'if-in-server': { moduleType: 'HTTP', flag: 'NGX_HTTP_SIF_CONF' },
  'if-in-location': { moduleType: 'HTTP', flag: 'NGX_HTTP_LIF_CONF' },
  limit_except: { moduleType: 'HTTP', flag: 'NGX_HTTP_LMT_CONF' },
  upstream: { moduleType: 'HTTP', flag: 'NGX_HTTP_UPS_CONF' },
  stream: { moduleType: 'STREAM', flag: 'NGX_STREAM_MAIN_CONF' },
  'stream-server': { moduleType: 'STREAM', flag: 'NGX_STREAM_SRV_CONF' },
  'stream-upstream': { moduleType: 'STREAM', flag: 'NGX_STREAM_UPS_CONF' },
  mail: { moduleType: 'MAIL', flag: 'NGX_MAIL_MAIN_CONF' },
  'mail-server': { moduleType: 'MAIL', flag: 'NGX_MAIL_SRV_CONF' },
};

export const CHECKABLE_CONTEXTS = Object.keys(CONTEXT_MASKS) as ContextKind[];

/** One bit per context of CONTEXT_MASKS (see DirectiveTable.allowedContexts). */
const CONTEXT_BITS = new Map<ContextKind, number>(CHECKABLE_CONTEXTS.map((context, i) => [context, 1 << i]));

/** Blocks whose body is parsed by the module itself, line by line (`types`, `map`…). */
const CUSTOM_BODY_BLOCKS = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'match', 'geoip2', 'perl_set']);

/** What a block directive opens, by parent context (see the block handlers in nginx). */
const CHILD_CONTEXTS: Record<string, Partial<Record<ContextKind, ContextKind>>> = {
  events: { main: 'events' },
  http: { main: 'http' },
  stream: { main: 'stream' },
  mail: { main: 'mail' },
  server: { http: 'server', stream: 'stream-server', mail: 'mail-server' },
  upstream: { http: 'upstream', stream: 'stream-upstream' },
  location: { server: 'location', location: 'location' },
  if: { server: 'if-in-server', location: 'if-in-location' },
  limit_except: { location: 'limit_except' },
};

/** Where a misplaced block most likely meant to be, so its body is still checked sensibly. */
const FALLBACK_CHILD: Record<string, ContextKind> = {
  events: 'events',
  http: 'http',
  stream: 'stream',
  mail: 'mail',
  server: 'server',
  upstream: 'upstream',
  location: 'location',
  if: 'if-in-location',
  limit_except: 'limit_except',
};

const ARGUMENT_NUMBER = [
  'NGX_CONF_NOARGS', 'NGX_CONF_TAKE1', 'NGX_CONF_TAKE2', 'NGX_CONF_TAKE3',
  'NGX_CONF_TAKE4', 'NGX_CONF_TAKE5', 'NGX_CONF_TAKE6', 'NGX_CONF_TAKE7',
];

/** Combined TAKE macros, expanded to the single counts they stand for. */
const TAKE_ALIASES: Record<string, number[]> = {
  NGX_CONF_TAKE12: [1, 2],
  NGX_CONF_TAKE13: [1, 3],
  NGX_CONF_TAKE23: [2, 3],
  NGX_CONF_TAKE123: [1, 2, 3],
  NGX_CONF_TAKE1234: [1, 2, 3, 4],
};

/** NGX_CONF_MAX_ARGS in ngx_conf_file.h. */
const MAX_ARGS = 8;

export type DirectiveCheck =
  | { result: 'ok'; entry: DirectiveEntry; flags: readonly string[] }
  | { result: 'unknown' }
  | { result: 'unknown-in-version'; entry: DirectiveEntry; reason: string }
  | { result: 'not-allowed'; entries: DirectiveEntry[] }
  | { result: 'no-opening-brace'; entry: DirectiveEntry }
  | { result: 'not-terminated'; entry: DirectiveEntry }
  | { result: 'wrong-arg-count'; entry: DirectiveEntry };

export class DirectiveTable {
  private readonly directives: Map<string, DirectiveEntry[]>;

  constructor(data: DirectiveTableData = tableData as DirectiveTableData) {
    this.directives = new Map(Object.entries(data.directives));
  }

  get size(): number {
    return this.directives.size;
  }

  names(): IterableIterator<string> {
    return this.directives.keys();
  }

  entries(name: string): readonly DirectiveEntry[] {
    return this.directives.get(name) ?? [];
  }

  isKnown(name: string): boolean {
    return this.directives.has(name);
  }

  /** Entries that exist in the target nginx version. */
  entriesForVersion(name: string, version: string): DirectiveEntry[] {
    return this.entries(name).filter((e) => existsIn(e, version, name));
  }

  /** True when nginx would accept the directive in this context (ignoring argument count). */
  isAllowedIn(name: string, context: ContextKind, version?: string): boolean {
    if (name === 'include') return true;
    const bit = CONTEXT_BITS.get(context);
    if (bit === undefined) return true;
    return (this.allowedContexts(name, version) & bit) !== 0;
  }

  /**
   * The contexts that accept `name` in `version`, one bit each (CONTEXT_BITS), worked out once
   * per table, version and name: guessing a snippet's context asks for every statement in
   * every candidate context, and filtering the entries by version each time took 150 ms on a
   * 1 MB file (#15).
   */
  private allowedContexts(name: string, version: string | undefined): number {
    const key = version ?? '';
    let byName = this.allowed.get(key);
    if (!byName) {
      if (this.allowed.size >= 8) this.allowed.clear();
      this.allowed.set(key, byName = new Map());
    }
    let bits = byName.get(name);
    if (bits === undefined) {
      const entries = version ? this.entriesForVersion(name, version) : this.entries(name);
      bits = 0;
      for (const [context, bit] of CONTEXT_BITS) {
        const mask = CONTEXT_MASKS[context];
        if (mask && entries.some((e) => matchesContext(e, mask))) bits |= bit;
      }
      // Names come from what users type (every prefix of a word being typed): bounded.
      if (byName.size >= 8192) byName.clear();
      byName.set(name, bits);
    }
    return bits;
  }

  /** allowedContexts() already worked out, by version ('' for any) and name. */
  private readonly allowed = new Map<string, Map<string, number>>();

  /**
   * nginx's verdict on one directive: unknown, not allowed here, block/terminator mismatch,
   * or wrong number of arguments, in the order ngx_conf_handler() checks them.
   */
  check(name: string, context: ContextKind, argCount: number, terminator: ';' | '{' | 'missing', version: string): DirectiveCheck {
    // The verdict depends only on these inputs, and a file repeats the same few hundred
    // combinations: each is worked out once per table and version (shared, never mutated).
    let byName = this.verdicts.get(version);
    if (!byName) {
      if (this.verdicts.size >= 8) this.verdicts.clear();
      this.verdicts.set(version, byName = new Map());
    }
    let byShape = byName.get(name);
    if (!byShape) {
      // Names come from what users type (every prefix of a word being typed): bounded.
      if (byName.size >= 8192) byName.clear();
      byName.set(name, byShape = new Map());
    }
    const shape = verdictShape(context, argCount, terminator);
    let verdict = byShape.get(shape);
    if (!verdict) {
      verdict = Object.freeze(this.judge(name, context, argCount, terminator, version));
      byShape.set(shape, verdict);
    }
    return verdict;
  }

  /** Verdicts already given, by version, name and verdictShape(). */
  private readonly verdicts = new Map<string, Map<string, Map<number, DirectiveCheck>>>();

  private judge(name: string, context: ContextKind, argCount: number, terminator: ';' | '{' | 'missing', version: string): DirectiveCheck {
    const all = this.entries(name);
    if (all.length === 0) return { result: 'unknown' };
    const present = all.filter((e) => existsIn(e, version, name));
    if (present.length === 0) {
      const entry = all[0];
      const reason = entry.removedIn && compareVersions(version, entry.removedIn) >= 0
        ? `removed in nginx ${entry.removedIn}`
        : `added in nginx ${entry.since}`;
      return { result: 'unknown-in-version', entry, reason };
    }
    const mask = CONTEXT_MASKS[context];
    if (!mask) return { result: 'ok', entry: present[0], flags: flagsFor(present[0], version) };
    let argsError: DirectiveCheck | undefined;
    for (const entry of present) {
      if (name !== 'include' && !matchesContext(entry, mask)) continue;
      const flags = flagsFor(entry, version);
      const isBlock = flags.includes('NGX_CONF_BLOCK');
      if (terminator !== 'missing') {
        if (!isBlock && terminator !== ';') return { result: 'not-terminated', entry };
        if (isBlock && terminator !== '{') return { result: 'no-opening-brace', entry };
      }
      if (argCountAllowed(flags, argCount)) return { result: 'ok', entry, flags };
      argsError ??= { result: 'wrong-arg-count', entry };
      // nginx stops at the first module whose command matches the context.
      return argsError;
    }
    return { result: 'not-allowed', entries: present };
  }

  /** The context of a block's body. */
  childContext(name: string, parent: ContextKind): ContextKind {
    if (CUSTOM_BODY_BLOCKS.has(name)) return 'custom-body';
    if (name.endsWith('_by_lua_block')) return 'custom-body';
    const byParent = CHILD_CONTEXTS[name];
    if (byParent) {
      const child = byParent[parent];
      if (child) return child;
      if (parent === 'unknown' || parent === 'custom-body') return 'unknown';
      return FALLBACK_CHILD[name] ?? 'unknown';
    }
    return 'unknown';
  }
}

const CONTEXT_NUMBERS = new Map<ContextKind, number>([...CHECKABLE_CONTEXTS, 'custom-body', 'unknown'].map((kind, i) => [kind as ContextKind, i]));
const TERMINATOR_NUMBERS = { ';': 0, '{': 1, missing: 2 } as const;

/**
 * One number for the inputs of a verdict besides name and version. Counts past MAX_ARGS
 * all get the same verdicts (every fixed-count flag refuses them, the open-ended ones
 * accept them), so they share one slot and the key stays small.
 */
function verdictShape(context: ContextKind, argCount: number, terminator: ';' | '{' | 'missing'): number {
  const args = Math.min(Math.max(argCount, 0), MAX_ARGS + 1);
  return ((CONTEXT_NUMBERS.get(context) ?? CONTEXT_NUMBERS.size) * 3 + TERMINATOR_NUMBERS[terminator]) * (MAX_ARGS + 2) + args;
}

/**
 * The entry's flags as the target version has them. `flagsByVersion` records the flags of
 * releases where they differ from HEAD (e.g. stream `proxy_protocol` was FLAG in 1.22.1).
 */
export function flagsFor(entry: DirectiveEntry, version: string): readonly string[] {
  const byVersion = entry.flagsByVersion;
  if (!byVersion) return entry.flags;
  const releases = Object.keys(byVersion).sort(compareVersions);
  // Directives do not change within a stable branch: 1.30.0 has the flags of 1.30.4.
  const branch = (v: string): string => v.split('.').slice(0, 2).join('.');
  const target = branch(version);
  if (releases.length === 0 || compareVersions(target, branch(releases[releases.length - 1])) > 0) return entry.flags;
  const atOrBelow = releases.filter((r) => compareVersions(branch(r), target) <= 0);
  return byVersion[atOrBelow.length > 0 ? atOrBelow[atOrBelow.length - 1] : releases[0]];
}

function matchesContext(entry: DirectiveEntry, mask: ContextMask): boolean {
  if (entry.moduleType !== mask.moduleType) return false;
  return entry.flags.includes('NGX_ANY_CONF') || entry.flags.includes(mask.flag);
}

function argCountAllowed(flags: readonly string[], argCount: number): boolean {
  if (flags.includes('NGX_CONF_ANY')) return true;
  if (flags.includes('NGX_CONF_FLAG')) return argCount === 1;
  if (flags.includes('NGX_CONF_1MORE')) return argCount >= 1;
  if (flags.includes('NGX_CONF_2MORE')) return argCount >= 2;
  if (argCount + 1 > MAX_ARGS) return false;
  if (flags.includes(ARGUMENT_NUMBER[argCount])) return true;
  return flags.some((f) => TAKE_ALIASES[f]?.includes(argCount) ?? false);
}

/**
 * Directives that distributions backported into older nginx packages, with the oldest
 * version they were backported to: `max_headers` (1.29.8) is in Debian 12's 1.22.1-9+deb12u11
 * as a security fix, and `nginx -t` there accepts it.
 */
const DISTRIBUTION_BACKPORTS: Record<string, string> = {
  max_headers: '1.22.1',
};

function existsIn(entry: DirectiveEntry, version: string, name?: string): boolean {
  if (entry.removedIn && compareVersions(version, entry.removedIn) >= 0) return false;
  if (entry.since && compareVersions(version, entry.since) < 0) {
    const backport = name ? DISTRIBUTION_BACKPORTS[name] : undefined;
    return backport !== undefined && compareVersions(version, backport) >= 0;
  }
  return true;
}

let shared: DirectiveTable | undefined;

/** The table generated from nginx's sources, loaded once. */
export function getDirectiveTable(): DirectiveTable {
  shared ??= new DirectiveTable();
  return shared;
}
