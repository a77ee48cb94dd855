/** What every rule receives: the assembled configuration and the analysis parameters. */
import type { InspectedFile } from '../certificates/certificateTypes';
import type { DirectiveTable } from '../directives/directiveTable';
import type { ConfigNode, ConfigTree, EveryField } from '../model/configTree';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive } from '../parser/syntaxTree';
import type { NginxMtlsSettings } from '../service/settings';
import type { Finding, RuleMeta } from './finding';
import type { Surface } from './settingHints';

export interface RuleContext {
  tree: ConfigTree;
  table: DirectiveTable;
  settings: NginxMtlsSettings;
  /** The clock for validity checks; a parameter so results never depend on when tests run. */
  now: Date;
  /**
   * True when the root context was guessed for a file nothing includes. nginx does not load
   * such a file, so findings nginx would refuse are worded as what happens once it does.
   */
  contextGuessed: boolean;
  /**
   * With a guessed context: the directives of the file that some context would accept where
   * they stand (see inferContext); the chosen context refusing one of them is not reported.
   */
  acceptedSomewhere?: ReadonlySet<Directive>;
  /** Files whose findings are wanted; other files are still read for context. */
  files: readonly ParsedFile[];
  /**
   * Local absolute path of a file named in the configuration (certificate, key, CA…),
   * resolved like nginx: relative to the main config's directory, with path mappings.
   */
  resolvePath(written: string): string;
  /** Where the findings will be shown, so messages name its flags or settings (see settingHints). Default: editor. */
  surface?: Surface;
  /**
   * True when the findings are only reported: rules then make neither fixes nor related
   * locations, which nothing would show (the command line's report without --fix). The rest of
   * each finding is the same either way (issue #15: 15k findings of the bench tree held 10 MB
   * of fixes and related locations until the report was written).
   */
  reportOnly?: boolean;
  /**
   * True when no analysis after an edit follows this one (the command line checks once): what
   * it derives is kept without what a later analysis would need to take it over (see
   * EffectiveOptions.oneShot), and how its findings were resolved is not remembered.
   */
  oneShot?: boolean;
  /**
   * False when `written` is an absolute path outside the project that no mapping covers, in
   * a configuration that is not this machine's own: only the production host has the file,
   * so its absence here is unknown, not an error (see model/knownLocations.ts).
   */
  isKnownLocation(written: string): boolean;
  /** Inspects a certificate/key/CA file (cached by path, mtime and size); one run asks once per inspectionKey. */
  inspect(absolutePath: string, options?: { passphrases?: string[] }): Promise<InspectedFile>;
  /**
   * Set when a block-local family (RuleFamily.blockLocal) checks again only the body of this
   * block: the analysis focus is then the block's statements and the blocks inside it.
   */
  within?: ConfigNode;
  /** With `within`, for a statement-local family (RuleFamily.statementLocal): the block's own statements only, not those of the blocks inside it. */
  ownStatementsOnly?: true;
  /**
   * Set when a family judges again only the statements of these directives, wherever they
   * stand in its focus (RuleFamily.argumentsReadFor): it finds nothing on any other statement.
   */
  onlyDirectives?: ReadonlySet<string>;
  /**
   * Set when a family that reads arrays a block inherits whole (RuleFamily.inheritedArrays)
   * judges again only these blocks: it finds nothing in any other block.
   */
  onlyBlocks?: readonly ConfigNode[];
}

/** What a helper that makes findings outside a family's run needs of its context: whether to make fixes and related locations. */
export type FindingDetail = Pick<RuleContext, 'reportOnly'>;

/** One certificate file read with one set of passphrases (RuleContext.inspect): what a run inspects once. */
export function inspectionKey(absolutePath: string, options?: { passphrases?: string[] }): string {
  return `${absolutePath}\0${JSON.stringify(options?.passphrases ?? null)}`;
}

/** The messages made so far in each analysis context (see sharedMessage). */
const messagesOf = new WeakMap<FindingDetail, Map<string, string>>();

/**
 * `message`, or the equal message a rule made before in the same context: equal findings
 * (a setting missing from every location of a generated configuration, one header left
 * uncleared in each of them) then hold one string. Each message is built by concatenation,
 * and a string built so is a tree of its parts, 200-300 bytes for a message, which a finding
 * keeps to the end: 11,000 of the bench tree's 15,000 findings repeat 170 messages (issue #15).
 * Looked up while new, a message is flattened where V8 collects it cheaply.
 */
export function sharedMessage(context: FindingDetail, message: string): string {
  let messages = messagesOf.get(context);
  if (!messages) messagesOf.set(context, (messages = new Map()));
  const known = messages.get(message);
  if (known !== undefined) return known;
  messages.set(message, message);
  return message;
}

/**
 * A context with every field in one order, the optional ones too: the contexts of one analysis
 * (the base one, one for a block checked again, one narrowed to some directives) then share one
 * hidden class. Made by spreading, each kind had its own, and V8 threw away the focus's and the
 * families' optimised code whenever a kind it had not seen came along (issue #15).
 */
export function ruleContextOf(fields: RuleContext): RuleContext {
  // Every field, the optional ones too (EveryField): one added to RuleContext and not here fails
  // to compile instead of being dropped.
  const context: EveryField<RuleContext> = {
    tree: fields.tree,
    table: fields.table,
    settings: fields.settings,
    now: fields.now,
    contextGuessed: fields.contextGuessed,
    acceptedSomewhere: fields.acceptedSomewhere,
    files: fields.files,
    resolvePath: fields.resolvePath,
    surface: fields.surface,
    reportOnly: fields.reportOnly,
    oneShot: fields.oneShot,
    isKnownLocation: fields.isKnownLocation,
    inspect: fields.inspect,
    within: fields.within,
    ownStatementsOnly: fields.ownStatementsOnly,
    onlyDirectives: fields.onlyDirectives,
    onlyBlocks: fields.onlyBlocks,
  };
  return context;
}

export interface Rule {
  meta: RuleMeta;
  run(context: RuleContext): Finding[] | Promise<Finding[]>;
}

/** A family of rules that share one pass over the tree. */
export interface RuleFamily {
  name: string;
  rules: readonly RuleMeta[];
  run(context: RuleContext): Finding[] | Promise<Finding[]>;
  /**
   * Directive names whose arguments the family never reads (not even through the model's
   * helpers). After an edit inside the arguments of one such directive, and nothing else,
   * the family's last findings stay right and are moved past the edit instead of run again
   * (service/argumentEditReuse.ts). Absent: every edit runs the family.
   */
  argumentsUnread?: ReadonlySet<string>;
  /**
   * For a header directive (the key: the one that sets the request headers sent upstream), the
   * headers (names in lower case) whose lines the family reads: of another header's line it reads
   * nothing but that it is there. After an edit inside the arguments of a line whose header is
   * another one before and after the edit, the family's last findings stay right and are moved
   * past the edit, as for argumentsUnread: typing an `X-Forwarded-Proto` value at the http level
   * of a 5k-line nginx.conf then leaves alone a family that reads the `Host` line only (issue #15).
   */
  headerLinesRead?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * On/off settings (upstream verification) that the family reads only as on or not, as nginx
   * reads them (the word `on` in any case): never the word as written. After an edit inside the
   * arguments of one of them that leaves it on, or leaves it not on, the family's last findings
   * stay right and are moved past the edit, as for argumentsUnread: the words typed on the way
   * to `off`, or a value nginx refuses, change nothing these families find (issue #15).
   */
  argumentsReadAsSwitch?: ReadonlySet<string>;
  /**
   * Directive names whose statements the family judges only where an argument refers to a
   * variable, each on its own: a statement without a `$` gives no finding and changes none of
   * the others. An edit inside the arguments of one is never one of those (service/argumentEditReuse.ts
   * takes no statement with a `$`, before or after), so the family's last findings stay right and
   * are moved past the edit, as for argumentsUnread (issue #15).
   */
  argumentsReadForVariables?: ReadonlySet<string>;
  /**
   * Header directives of whose lines without a variable the family reads only the header's name
   * (in any case) and whether a value follows it. After an edit inside the arguments of one that
   * keeps both, the family's last findings stay right and are moved past the edit, as for
   * argumentsUnread: typing a header's value (issue #15).
   */
  headerNamesRead?: ReadonlySet<string>;
  /**
   * Directive names whose arguments the family reads only to judge that statement itself: what
   * it finds on any other statement does not depend on them, and it finds nothing about a
   * statement that is not on it. After an edit inside the arguments of one of them, it checks
   * the statements of that statement's own block again (RuleContext.ownStatementsOnly, as a
   * statement-local family does) and keeps its other findings, moved past the edit: typing a
   * CA file's path at the http level of a 5k-line nginx.conf then judges that one reference,
   * not every certificate of the file (issue #15).
   */
  argumentsReadInPlace?: ReadonlySet<string>;
  /**
   * For a directive (the key) whose arguments the family reads only to judge the statements of
   * other directives (the value), wherever those stand: what it finds on any other statement
   * does not depend on the key's arguments, and nothing it finds on a statement of the value
   * has a related location elsewhere that does. After an edit inside the arguments of the key,
   * it judges those statements again (RuleContext.onlyDirectives) and keeps its other findings,
   * moved past the edit: an upstream verify setting typed at the http level of a 5k-line
   * nginx.conf decides whether nginx reads each upstream CA and CRL file, not how it loads every
   * certificate and key of the file (issue #15).
   */
  argumentsReadFor?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Directive names (CA files) whose arguments the family reads only as the certificates in
   * the file they name: never the path itself, nor whether the file exists. After an edit
   * inside the arguments of one of them that leaves the statement naming a file without any
   * certificate before and after (a path being typed names no file yet), the family's last
   * findings stay right and are moved past the edit (service/workspaceAnalysis.ts).
   */
  argumentsReadAsCertificates?: ReadonlySet<string>;
  /**
   * True when what the family finds on a statement depends only on that statement, the
   * statements of its own block and of the blocks around it (names, arguments, nesting), and
   * the finding lands in that block: then an edit inside the arguments of one statement can
   * change only the family's findings in the body of the statement's block, and the family run
   * with `within` set to that block finds exactly those. What it finds on a plain statement that
   * an `include` brings into a block lands in the included file, so it must not depend on the
   * arguments of statements of other files (the block's own ones). After such an edit its
   * findings elsewhere are moved past the edit and it checks that body alone
   * (service/argumentEditReuse.ts).
   */
  blockLocal?: true;
  /**
   * True for a block-local family when what it finds on a statement depends only on that
   * statement (its words, the names of the blocks around it) and on the other statements of
   * its own block, and lands on it: an edit inside the arguments of one statement then changes
   * only its findings on the statements of that statement's own block, not on those of the
   * blocks nested in it. After such an edit it checks those statements alone
   * (RuleContext.ownStatementsOnly) and keeps its findings in the nested blocks: at the http
   * level of a 5k-line nginx.conf, 13 statements instead of every server's.
   */
  statementLocal?: true;
  /**
   * True when what the family finds in the body of an http or stream server depends only on that
   * server (its statements at any depth, the levels above it, the files they name), what it finds
   * anywhere else but on the statements of the level just above the servers (the http or stream
   * block, which every server below may take from) does not depend on any server's body, and it
   * finds nothing on a block's own statement (a `server {` line).
   * After an edit of the statements in a block inside a server (service/blockEditReuse.ts), the
   * family checks that server's body again, and the level's own statements when a checked file
   * writes one, and keeps its other findings, moved past the edit: a line typed into one server of a 5k-line nginx.conf then
   * judges that server's certificate files, not those of its 50 peers (issue #15).
   */
  serverLocal?: true;
  /**
   * For a family that compares servers (an upstream's peers, the servers that verify a client
   * certificate, the paths that share an upstream's sessions): the directive names through which
   * the statements of one http server change what it finds anywhere but in that server's body and
   * on the own statements of the http block. After an edit inside an http server that changes no
   * statement of these names, before or after (BlockEdit.names), the family is server-local for
   * that edit (see serverLocal): it checks that server again, reading the others as they are, and
   * keeps its other findings. The rest of serverLocal's conditions must hold: what it finds in a
   * server depends only on that server, the levels above it and, through these names, the other
   * servers, and it finds nothing on a `server {` line. A finding kept elsewhere with a related
   * location in the edited server makes the family run again (findingsOutsideBlock). Typing a
   * line into one server of a 5k-line nginx.conf then judges that server's upstream paths and
   * certificate lists, not those of its 50 peers (issue #15).
   */
  serverLocalUnless?: ReadonlySet<string>;
  /**
   * For names of serverLocalUnless that matter to other servers only from some servers: whether
   * the edited server is one of them (in the tree after the edit). A line changing statements of
   * such a name in a server for which this says false leaves the family server-local. Of the
   * servers of the bench's 5k-line nginx.conf, none answers an upstream connection of another:
   * a name typed above a server's `ssl_certificate` changes no other server's upstream checks.
   */
  acrossServersOnlyFrom?: ReadonlyMap<string, (server: ConfigNode, tree: ConfigTree) => boolean>;
  /**
   * Directive names the family reads as arrays that a block inherits whole from the nearest
   * enclosing level that writes any statement of the name, or not at all (the request and
   * response header lines: model/effectiveConfig.ts inheritedFrom). What it finds in a block
   * about such a name depends only on the block's own statements of it and on those of the level
   * it inherits them from, lands on one of the block's own statements of its own file, and has
   * related locations only there and at that level. After an edit inside the arguments of a
   * statement of such a name, only the edited statement's block and the blocks that inherit the
   * name from it can find something else: the family judges those again (RuleContext.onlyBlocks)
   * and keeps its findings in every other block, moved past the edit. At the http level of a
   * 5k-line nginx.conf, the servers that set their own headers (they drop the typed one) instead
   * of every block (issue #15).
   */
  inheritedArrays?: ReadonlySet<string>;
}
