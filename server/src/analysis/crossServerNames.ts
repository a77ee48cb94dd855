/**
 * What the families that compare http servers read of one server for another
 * (RuleFamily.serverLocalUnless): a line typed into a server that changes none of these
 * statements leaves what they find in every other server as it was, so they check that server
 * alone (service/blockEditReuse.ts). Each set names every statement the family's cross-server
 * helpers look at; test/service/blockEditReuse.test.ts types these statements into the rule
 * fixtures (the family then runs over everything) and the others (it checks the server alone),
 * and requires the findings of a fresh analysis either way.
 */
import { getDirectiveTable } from '../directives/directiveTable';

/** The directives nginx knows whose names match `pattern`. */
function knownNames(pattern: RegExp): string[] {
  return [...getDirectiveTable().names()].filter((name) => pattern.test(name));
}

/**
 * The trust stores (the client and trusted CA files of every TLS family): the CA pool, a
 * verifying server's store, the CA a fix names. Found in the directive table, not through the
 * file-reference table, which the families that only read paths do not otherwise import.
 */
const TRUST_STORES = knownNames(/^(?:proxy_|grpc_|uwsgi_)?ssl_(?:client|trusted)_certificate$/);

/**
 * How a server is found from another: by the names it answers (server_name), by the sockets it
 * listens on (listen, and `ssl on` before nginx 1.25.1), and a `server` line typed into a server
 * (nginx refuses it; read as no server at all).
 */
const SERVER_IDENTITY = ['server', 'server_name', 'listen', 'ssl'];

/**
 * certificate-pairing: the CA pool its chains are built from, and the servers of the workspace
 * that verify a client certificate a location sends (pairingInputs.ts localVerifiers: found by
 * name and TLS port, judged by their client and trusted CA files).
 */
export const PAIRING_ACROSS_SERVERS: ReadonlySet<string> = new Set([...TRUST_STORES, ...SERVER_IDENTITY]);

/**
 * upstream-tls: the local server that answers an upstream connection (upstreamPeers.ts: by its
 * listen sockets and names), its certificate, and the CA files the fix that turns verification
 * on looks among (fixes/issuingCa.ts).
 */
export const UPSTREAM_PEERS_ACROSS_SERVERS: ReadonlySet<string> = new Set([...TRUST_STORES, ...SERVER_IDENTITY, 'ssl_certificate']);

/**
 * protocols: the listen groups, which say whether a server's sockets speak TLS (weakDefaults) and
 * which server is an address's default (the fix that moves `ssl on` onto the listen lines).
 */
export const LISTEN_GROUPS_ACROSS_SERVERS: ReadonlySet<string> = new Set(SERVER_IDENTITY);

/**
 * client-verification: the maps that derive variables from $ssl_client_verify (focus.named finds
 * them at any level, a `map` typed into a server too) and the client CA files its fix offers
 * (those of every server). Whether an http server verifies does not depend on its listen group.
 */
export const VERIFICATION_ACROSS_SERVERS: ReadonlySet<string> = new Set(['map', ...TRUST_STORES]);

/** The statements that make a request path: its pass statement and the blocks that hold one. */
const PATH_MAKERS = ['proxy_pass', 'grpc_pass', 'uwsgi_pass', 'location', 'if', 'limit_except', 'server'];

/**
 * session-reuse: the request paths that share an upstream's sessions, in every server, and
 * their TLS settings towards it (the client identity, verification, session reuse): every
 * directive of the upstream TLS families nginx knows.
 */
export const PATHS_ACROSS_SERVERS: ReadonlySet<string> = new Set([
  ...PATH_MAKERS,
  ...knownNames(/^(?:proxy|grpc|uwsgi)_ssl_/),
]);

/**
 * identity-header-siblings: the request paths to each backend, in every server, and the request
 * headers each sets or clears (and whether it passes the client's headers at all).
 */
export const HEADERS_ACROSS_SERVERS: ReadonlySet<string> = new Set([...PATH_MAKERS, 'proxy_set_header', 'grpc_set_header', 'proxy_pass_request_headers']);
