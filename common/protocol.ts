/** Identifiers shared by the VS Code client and the language server. */

export const CLIENT_ID = 'nginxMtls';
export const CLIENT_NAME = 'nginx mTLS';
export const LANGUAGE_ID = 'nginx';
/** Configuration section the server pulls with `workspace/configuration`; equals the client id. */
export const SETTINGS_SECTION = 'nginxMtls';
/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'nginx-mtls';

export const Commands = {
  restartServer: 'nginxMtls.restartServer',
  showOutput: 'nginxMtls.showOutput',
  showCertificateDetails: 'nginxMtls.showCertificateDetails',
  generateTestPki: 'nginxMtls.generateTestPki',
  /**
   * Arguments: [production prefix, e.g. "/etc/letsencrypt"]. Asks for the local folder and
   * adds the pair to the workspace's `nginxMtls.pathMappings`. Without an argument it asks for both.
   */
  addPathMapping: 'nginxMtls.addPathMapping',
  /**
   * Arguments: [rule code] (from a diagnostic's code action) or none (then it asks with a quick
   * pick). Opens the rule's bundled documentation read-only.
   */
  explainRule: 'nginxMtls.explainRule',
} as const;

/**
 * Commands the language server executes (`workspace/executeCommand`). The language client
 * registers them itself, so they are not contributed in package.json.
 */
export const ServerCommands = {
  /** Arguments: [source path, config file path, argument start offset, argument end offset]. */
  convertToPem: 'nginxMtls.server.convertToPem',
  /** Arguments: [absolute file path]. Returns Markdown. */
  certificateDetails: 'nginxMtls.server.certificateDetails',
  /** Arguments: [request {folder, caName, serverHost, clientName, keyType?}, document URI?]. */
  generateTestPki: 'nginxMtls.server.generateTestPki',
  /** Arguments: [rule code]. Returns the rule's documentation as Markdown, or null for an unknown code. */
  explainRule: 'nginxMtls.server.explainRule',
  /** No arguments. Returns every rule as {code, title, category, severity}. */
  listRules: 'nginxMtls.server.listRules',
} as const;
