/**
 * Small, defensive helpers around node-forge's ASN.1 parser.
 * Everything here works on public structures only (certificates, names, algorithm
 * identifiers, encryption parameters); nothing returns or logs private key bytes.
 */
import type forge from 'node-forge';
// Only the ASN.1 codec and its utilities (nodeForgeParts.d.ts): the whole library's index runs
// every module, which took 2 MB of the bundled CLI's and server's memory at start-up.
import asn1 from 'node-forge/lib/asn1';
import util from 'node-forge/lib/util';

export type Asn1 = forge.asn1.Asn1;

export const UNIVERSAL = 0x00;
export const CONTEXT = 0x80;

export const T = {
  BOOLEAN: 1,
  INTEGER: 2,
  BITSTRING: 3,
  OCTETSTRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  UTCTIME: 23,
  GENERALIZEDTIME: 24,
  BMP: 30,
} as const;

export interface ParsedDer {
  node: Asn1;
  /** Bytes left over after the first top-level object. */
  trailingBytes: number;
}

/** Maximum nesting accepted when parsing untrusted DER. */
export const MAX_DER_DEPTH = 48;

/**
 * Parses the first DER object of `data`. Returns undefined when it is not ASN.1.
 * BIT STRINGs are not decoded speculatively; nesting is limited.
 */
export function parseDer(data: Buffer | Uint8Array, opts: { strict?: boolean; maxDepth?: number } = {}): ParsedDer | undefined {
  try {
    const bytes = util.createBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('binary'));
    const fromDer = asn1.fromDer as unknown as (b: forge.util.ByteBuffer, o: object) => Asn1;
    const node = fromDer(bytes, {
      strict: opts.strict ?? true,
      parseAllBytes: false,
      decodeBitStrings: false,
      maxDepth: opts.maxDepth ?? MAX_DER_DEPTH,
    });
    return { node, trailingBytes: bytes.length() };
  } catch {
    return undefined;
  }
}

export function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as Asn1[]) : [];
}

export function bytesOf(node: Asn1 | undefined): string {
  return node && typeof node.value === 'string' ? node.value : '';
}

export function is(node: Asn1 | undefined, tagClass: number, type: number): node is Asn1 {
  return !!node && node.tagClass === tagClass && node.type === type;
}

export function isSeq(node: Asn1 | undefined): node is Asn1 {
  return is(node, UNIVERSAL, T.SEQUENCE) && Array.isArray(node.value);
}

export function oidOf(node: Asn1 | undefined): string | undefined {
  if (!is(node, UNIVERSAL, T.OID)) return undefined;
  try {
    return asn1.derToOid(bytesOf(node));
  } catch {
    return undefined;
  }
}

/** Unsigned integer value of an INTEGER node as a bigint (undefined when not an INTEGER). */
export function bigIntOf(node: Asn1 | undefined): bigint | undefined {
  if (!is(node, UNIVERSAL, T.INTEGER)) return undefined;
  const raw = bytesOf(node);
  if (raw.length === 0) return 0n;
  if (raw.length > 64) return BigInt(2) ** BigInt(512); // absurdly large; callers only compare against limits
  let v = 0n;
  for (let i = 0; i < raw.length; i++) v = (v << 8n) | BigInt(raw.charCodeAt(i));
  if (raw.charCodeAt(0) & 0x80) v -= 1n << BigInt(raw.length * 8); // negative
  return v;
}

export function smallIntOf(node: Asn1 | undefined): number | undefined {
  const v = bigIntOf(node);
  if (v === undefined || v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(v);
}

export function timeOf(node: Asn1 | undefined): Date | undefined {
  try {
    if (is(node, UNIVERSAL, T.UTCTIME)) return asn1.utcTimeToDate(bytesOf(node));
    if (is(node, UNIVERSAL, T.GENERALIZEDTIME)) return asn1.generalizedTimeToDate(bytesOf(node));
  } catch {
    /* fall through */
  }
  return undefined;
}

/** DER bytes of a (parsed) node. */
export function toDerBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

const NAME_SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function stringValue(node: Asn1): string {
  const raw = bytesOf(node);
  if (node.type === T.UTF8) {
    try {
      return util.decodeUtf8(raw);
    } catch {
      return raw;
    }
  }
  return raw; // BMPString already decoded by forge; others are ASCII/latin1
}

/** One-line rendering of an X.501 Name, e.g. "C=US, O=Example, CN=host" (DER order, like Node). */
export function formatName(name: Asn1 | undefined): string {
  const parts: string[] = [];
  for (const rdn of children(name)) {
    const atvs = children(rdn).map((atv) => {
      const [typeNode, valueNode] = children(atv);
      const oid = oidOf(typeNode) ?? '?';
      return `${NAME_SHORT[oid] ?? oid}=${valueNode ? escapeRdnValue(stringValue(valueNode)) : ''}`;
    });
    parts.push(atvs.join(' + '));
  }
  return parts.join(', ');
}

/** RFC 4514-style escaping, matching the way Node/OpenSSL print names. */
function escapeRdnValue(v: string): string {
  return v.replace(/[,+"\\<>;]/g, '\\$&');
}
