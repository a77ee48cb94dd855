/**
 * How OpenSSL fills its certificate slots when nginx loads a list of certificates and keys.
 *
 * nginx loads pair i as (certificate[i], key[i]), in order (ngx_ssl_certificates). OpenSSL
 * keeps one certificate and one key per key type (RSA, RSA-PSS, EC for every curve, Ed25519,
 * Ed448, DSA), so pairing is by type, not by position:
 * - SSL_CTX_use_certificate puts the certificate into the slot of its key type, replacing a
 *   certificate of the same type; a key already in that slot stays only if it matches, else
 *   it is dropped without an error.
 * - SSL_CTX_use_PrivateKey puts the key into the slot of its own type. When that slot holds a
 *   certificate with another public key, loading fails ("key values mismatch", nginx -t
 *   refuses); when the slot has no certificate yet, the key is kept without a check.
 * A slot serves handshakes only with both a certificate and its key. Measured with nginx
 * 1.22.1 / OpenSSL 3 (test/differential/certificateSlots.test.ts): crossed RSA and ECDSA
 * pairs load and both handshakes succeed; a certificate whose slot never gets its key loads
 * but is never served.
 */
import { keyMatchesCertificate } from '../certificates/certificateInspector';
import type { CertificateInfo, KeyAlgorithm, PrivateKeyInfo } from '../certificates/certificateTypes';

export type SlotKind = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA';

/** The slot OpenSSL uses for a key type; undefined when OpenSSL has none (it then refuses the file). */
export function slotOf(algorithm: KeyAlgorithm | undefined): SlotKind | undefined {
  switch (algorithm) {
    case 'RSA': case 'RSA-PSS': case 'EC': case 'Ed25519': case 'Ed448': case 'DSA': return algorithm;
    default: return undefined;
  }
}

/** One (certificate, key) pair as nginx loads it; `certificate` and `key` undefined when unknown. */
export interface LoadPair<T> {
  certRef: T;
  keyRef: T;
  /** The leaf: the first certificate of the file. */
  certificate?: CertificateInfo;
  /** Every certificate of the file, to tell a chain in the wrong order. */
  chain?: readonly CertificateInfo[];
  key?: PrivateKeyInfo;
}

export interface FilledSlot<T> {
  kind: SlotKind;
  /** The certificate in the slot and the pair that put it there. */
  cert?: { pair: LoadPair<T>; certificate: CertificateInfo };
  /** The key in the slot and the pair that put it there. */
  key?: { pair: LoadPair<T>; key: PrivateKeyInfo };
}

export interface SlotOutcome<T> {
  /** The pair whose key nginx -t refuses, with the certificate its slot held (nginx stops there). */
  refused?: { pair: LoadPair<T>; holder: { pair: LoadPair<T>; certificate: CertificateInfo } };
  /** Certificates replaced by a later certificate of the same key type. */
  replaced: Array<{ earlier: LoadPair<T>; later: LoadPair<T> }>;
  /** Slots at the end of loading, by kind. */
  slots: Map<SlotKind, FilledSlot<T>>;
  /** False when a file could not be judged: the slots after it are not known. */
  known: boolean;
}

function usableKey(key: PrivateKeyInfo | undefined): key is PrivateKeyInfo {
  return key !== undefined && key.publicKeySha256 !== undefined && slotOf(key.keyAlgorithm) !== undefined;
}

/** Loads the pairs in order the way OpenSSL does and returns what the slots hold. */
export function fillSlots<T>(pairs: readonly LoadPair<T>[]): SlotOutcome<T> {
  const slots = new Map<SlotKind, FilledSlot<T>>();
  const replaced: SlotOutcome<T>['replaced'] = [];
  const slot = (kind: SlotKind): FilledSlot<T> => {
    let s = slots.get(kind);
    if (!s) {
      s = { kind };
      slots.set(kind, s);
    }
    return s;
  };
  for (const pair of pairs) {
    const certificate = pair.certificate;
    const certKind = slotOf(certificate?.keyAlgorithm);
    if (!certificate || !certKind) return { replaced, slots, known: false };
    const certSlot = slot(certKind);
    if (certSlot.cert && certSlot.cert.pair !== pair) replaced.push({ earlier: certSlot.cert.pair, later: pair });
    if (certSlot.key && keyMatchesCertificate(certSlot.key.key, certificate) === false) certSlot.key = undefined;
    certSlot.cert = { pair, certificate };
    if (!usableKey(pair.key)) return { replaced, slots, known: false };
    const keySlot = slot(slotOf(pair.key.keyAlgorithm) as SlotKind);
    if (keySlot.cert && keyMatchesCertificate(pair.key, keySlot.cert.certificate) === false) {
      return { refused: { pair, holder: keySlot.cert }, replaced, slots, known: true };
    }
    keySlot.key = { pair, key: pair.key };
  }
  return { replaced, slots, known: true };
}

/** Slots that serve handshakes: a certificate with its key. */
export function servingSlots<T>(outcome: SlotOutcome<T>): FilledSlot<T>[] {
  return [...outcome.slots.values()].filter((s) => s.cert && s.key);
}
