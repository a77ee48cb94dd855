/**
 * Deterministic mutators over an nginx configuration: each takes the text, its parse and a
 * seeded PRNG and returns a broken variant (or undefined when it does not apply). Every
 * mutation keeps the line structure of the file (insertions go on an existing line,
 * removals are blanked with spaces), so line numbers before and after stay comparable.
 */
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { nameWord, parseConfig } from '../../server/src/parser/parser';
import type { ConfigFile, Directive } from '../../server/src/parser/syntaxTree';

export interface Mutation {
  mutator: string;
  /** What was done, e.g. `moved "listen 80;" from line 3 into "location" at line 7`. */
  description: string;
  text: string;
  /** 1-based line of the mutated spot. */
  line: number;
}

export type Rng = () => number;

export interface MutationInput {
  text: string;
  syntax: ConfigFile;
  rng: Rng;
}

export type Mutator = (input: MutationInput) => Mutation | undefined;

/** Blocks whose body a module parses itself; directives inside are not nginx statements. */
const CUSTOM_BODY = new Set(['types', 'map', 'geo', 'split_clients', 'charset_map', 'match', 'geoip2', 'perl_set', 'js_set']);

function isCustomBody(d: Directive): boolean {
  return CUSTOM_BODY.has(d.name) || d.name.endsWith('_by_lua_block') || d.block?.raw !== undefined;
}

interface Located {
  directive: Directive;
  parents: readonly Directive[];
}

/** Every directive outside custom bodies, with its parent chain. */
export function statements(syntax: ConfigFile): Located[] {
  const out: Located[] = [];
  const visit = (list: readonly Directive[], parents: Directive[]): void => {
    for (const d of list) {
      out.push({ directive: d, parents: [...parents] });
      if (d.block && !isCustomBody(d)) visit(d.block.statements, [...parents, d]);
    }
  };
  visit(syntax.statements, []);
  return out;
}

function pick<T>(rng: Rng, items: readonly T[]): T | undefined {
  if (items.length === 0) return undefined;
  return items[Math.floor(rng() * items.length) % items.length];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function insert(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

/** Replaces [start, end) with spaces, keeping line breaks. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

function src(text: string, d: Directive): string {
  return text.slice(d.start, d.end);
}

function short(s: string, max = 60): string {
  const one = oneLine(s);
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/** Directives that end with `;` in the source. */
function simpleStatements(input: MutationInput): Located[] {
  return statements(input.syntax).filter((l) => l.directive.terminator === ';' && input.text[l.directive.end - 1] === ';');
}

/** Closed, ordinary blocks (where a statement can be inserted after `{`). */
function blocks(input: MutationInput): Located[] {
  return statements(input.syntax).filter((l) => l.directive.block?.closed && !isCustomBody(l.directive));
}

const dropSemicolon: Mutator = (input) => {
  const target = pick(input.rng, simpleStatements(input));
  if (!target) return undefined;
  const d = target.directive;
  return {
    mutator: 'drop-semicolon',
    description: `dropped the ";" of "${short(src(input.text, d))}"`,
    text: blank(input.text, d.end - 1, d.end),
    line: lineOf(input.text, d.end - 1),
  };
};

const moveDirective: Mutator = (input) => {
  const candidates = simpleStatements(input).filter((l) => l.directive.name !== 'include');
  const target = pick(input.rng, candidates);
  if (!target) return undefined;
  const d = target.directive;
  const parent = target.parents[target.parents.length - 1];
  const into = pick(input.rng, blocks(input).filter((b) => b.directive !== parent));
  if (!into) return undefined;
  const block = into.directive.block!;
  const moved = ' ' + oneLine(src(input.text, d)) + ' ';
  const text = insert(blank(input.text, d.start, d.end), block.start + 1, moved);
  return {
    mutator: 'move-directive',
    description: `moved "${short(src(input.text, d))}" (line ${lineOf(input.text, d.start)}) into "${into.directive.name}" (line ${lineOf(input.text, block.start)})`,
    text,
    line: lineOf(input.text, block.start),
  };
};

/** Statements that are valid somewhere, put where they are often not allowed. */
const NOTABLE = [
  'proxy_set_header X-Mutant 1;',
  'ssl_verify_client on;',
  'worker_processes 2;',
  'listen 8081;',
  'server_name mutant.example;',
  'keepalive_timeout 5s;',
  'add_header X-Mutant 1;',
  'return 204;',
  'root /tmp;',
  'worker_connections 64;',
  'proxy_pass http://127.0.0.1:1;',
  'server 127.0.0.1:1;',
  'upstream mutant { server 127.0.0.1:1; }',
  'location /mutant { return 204; }',
];

const injectDirective: Mutator = (input) => {
  const statement = pick(input.rng, NOTABLE)!;
  const targets: (Located | undefined)[] = [undefined, ...blocks(input)];
  const into = pick(input.rng, targets);
  const at = into ? into.directive.block!.start + 1 : 0;
  const where = into ? `"${into.directive.name}" (line ${lineOf(input.text, at)})` : 'the top of the file';
  return {
    mutator: 'inject-directive',
    description: `inserted "${statement}" into ${where}`,
    text: insert(input.text, at, into ? ` ${statement} ` : `${statement} `),
    line: lineOf(input.text, at),
  };
};

const addArgument: Mutator = (input) => {
  const target = pick(input.rng, statements(input.syntax).filter((l) => l.directive.terminator !== 'missing' && !(l.directive.block && isCustomBody(l.directive))));
  if (!target) return undefined;
  const d = target.directive;
  const at = d.block ? d.block.start : d.end - 1;
  if (input.text[at] !== (d.block ? '{' : ';')) return undefined;
  return {
    mutator: 'add-argument',
    description: `added an argument to "${short(src(input.text, d).split('{')[0])}"`,
    text: insert(input.text, at, ' mutant_arg '),
    line: lineOf(input.text, at),
  };
};

const removeArgument: Mutator = (input) => {
  const target = pick(input.rng, statements(input.syntax).filter((l) => l.directive.args.length > 0 && l.directive.terminator !== 'missing'));
  if (!target) return undefined;
  const d = target.directive;
  const arg = d.args[d.args.length - 1];
  return {
    mutator: 'remove-argument',
    description: `removed the last argument of "${short(src(input.text, d).split('{')[0])}"`,
    text: blank(input.text, arg.start, arg.end),
    line: lineOf(input.text, arg.start),
  };
};

const strayClose: Mutator = (input) => {
  const target = pick(input.rng, statements(input.syntax).filter((l) => l.directive.terminator !== 'missing'));
  if (!target) return undefined;
  const d = target.directive;
  return {
    mutator: 'stray-close',
    description: `added "}" after "${short(src(input.text, d))}"`,
    text: insert(input.text, d.end, ' }'),
    line: lineOf(input.text, d.end),
  };
};

const strayOpen: Mutator = (input) => {
  const target = pick(input.rng, simpleStatements(input));
  if (!target) return undefined;
  const d = target.directive;
  return {
    mutator: 'stray-open',
    description: `added "{" after "${short(src(input.text, d))}"`,
    text: insert(input.text, d.end, ' {'),
    line: lineOf(input.text, d.end),
  };
};

const misspell: Mutator = (input) => {
  const target = pick(input.rng, statements(input.syntax).filter((l) => {
    const word = nameWord(l.directive, input.text);
    return l.directive.name.length >= 4 && !word.quote && !word.hasVariable;
  }));
  if (!target) return undefined;
  const name = nameWord(target.directive, input.text);
  const value = input.text.slice(name.start, name.end);
  const table = getDirectiveTable();
  for (let attempt = 0; attempt < 8; attempt++) {
    const i = 1 + Math.floor(input.rng() * (value.length - 2));
    const kind = Math.floor(input.rng() * 3);
    const spelled = kind === 0 ? value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2)
      : kind === 1 ? value.slice(0, i) + value.slice(i + 1)
        : value.slice(0, i) + value[i] + value.slice(i);
    if (spelled === value || table.isKnown(spelled) || /[{};"'#\s]/.test(spelled)) continue;
    return {
      mutator: 'misspell',
      description: `misspelled "${value}" as "${spelled}"`,
      text: input.text.slice(0, name.start) + spelled + input.text.slice(name.end),
      line: lineOf(input.text, name.start),
    };
  }
  return undefined;
};

const ifWrapProxySetHeader: Mutator = (input) => {
  const headers = simpleStatements(input).filter((l) => l.directive.name === 'proxy_set_header');
  const target = pick(input.rng, headers);
  if (target) {
    const d = target.directive;
    const text = insert(insert(input.text, d.end, ' }'), d.start, 'if ($http_x) { ');
    return {
      mutator: 'if-wrap-proxy_set_header',
      description: `wrapped "${short(src(input.text, d))}" (line ${lineOf(input.text, d.start)}) in if ($http_x) { }`,
      text,
      line: lineOf(input.text, d.end),
    };
  }
  const into = pick(input.rng, blocks(input).filter((b) => b.directive.name === 'location' || b.directive.name === 'server'));
  if (!into) return undefined;
  const at = into.directive.block!.start + 1;
  return {
    mutator: 'if-wrap-proxy_set_header',
    description: `inserted "if ($http_x) { proxy_set_header X-Mutant 1; }" into "${into.directive.name}" (line ${lineOf(input.text, at)})`,
    text: insert(input.text, at, ' if ($http_x) { proxy_set_header X-Mutant 1; } '),
    line: lineOf(input.text, at),
  };
};

const unclosedQuote: Mutator = (input) => {
  const args = statements(input.syntax).flatMap((l) => l.directive.args.filter((a) => !a.quote).map((a) => a));
  const arg = pick(input.rng, args);
  if (!arg) return undefined;
  return {
    mutator: 'unclosed-quote',
    description: `opened a quote before "${short(input.text.slice(arg.start, arg.end), 40)}"`,
    text: insert(input.text, arg.start, '"'),
    line: lineOf(input.text, arg.start),
  };
};

const onToYes: Mutator = (input) => {
  const table = getDirectiveTable();
  const isFlag = (l: Located): boolean => table.entries(l.directive.name).some((e) => e.flags.includes('NGX_CONF_FLAG'));
  const withValue = (value: string) => statements(input.syntax).filter((l) => l.directive.args.some((a) => !a.quote && a.value === value));
  const on = withValue('on');
  // Flag directives set to "on" first; then any "on"; then flag directives set to "off".
  const pool = on.filter(isFlag).length > 0 ? on.filter(isFlag) : on.length > 0 ? on : withValue('off').filter(isFlag);
  const target = pick(input.rng, pool);
  if (!target) return undefined;
  const arg = target.directive.args.find((a) => !a.quote && (a.value === 'on' || a.value === 'off'))!;
  return {
    mutator: 'on-to-yes',
    description: `changed "${arg.value}" to "yes" in "${short(src(input.text, target.directive))}"`,
    text: input.text.slice(0, arg.start) + 'yes' + input.text.slice(arg.end),
    line: lineOf(input.text, arg.start),
  };
};

export const MUTATORS: Record<string, Mutator> = {
  'drop-semicolon': dropSemicolon,
  'move-directive': moveDirective,
  'inject-directive': injectDirective,
  'add-argument': addArgument,
  'remove-argument': removeArgument,
  'stray-close': strayClose,
  'stray-open': strayOpen,
  misspell,
  'if-wrap-proxy_set_header': ifWrapProxySetHeader,
  'unclosed-quote': unclosedQuote,
  'on-to-yes': onToYes,
};

/** Applies one mutator to `text` with a PRNG. */
export function mutate(name: string, text: string, rng: Rng): Mutation | undefined {
  const mutator = MUTATORS[name];
  if (!mutator) throw new Error(`unknown mutator ${name}`);
  return mutator({ text, syntax: parseConfig(text), rng });
}
