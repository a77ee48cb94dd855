/**
 * Types for the two parts of node-forge the certificate inspector loads on their own. Importing
 * 'node-forge' runs every one of its modules (ciphers, TLS, PKCS#12…), which reading a DER
 * certificate does not use: 2.4 MB of the bundled CLI's peak memory on a tiny configuration
 * (56.8 -> 54.4 MB), about 10 MB unbundled. test/certificates/forgeParts.test.ts keeps it so.
 */
declare module 'node-forge/lib/asn1' {
  import type forge from 'node-forge';
  const asn1: typeof forge.asn1;
  export = asn1;
}

declare module 'node-forge/lib/util' {
  import type forge from 'node-forge';
  const util: typeof forge.util;
  export = util;
}
