import { X509Certificate } from 'node:crypto';

const SEQUENCE = 0x30;
/** The most length bytes a certificate's DER header can need here: 4 GiB is far beyond any certificate. */
const MAX_LENGTH_BYTES = 4;

/**
 * Splits concatenated ASN.1 DER structures (the Workload API's certificate chains and bundles) into one buffer each,
 * by their SEQUENCE headers: definite lengths only, minimally encoded, each inside the buffer. A truncated or garbage
 * buffer is an error, never a read past its end.
 *
 * @param what what to call the buffer in errors, e.g. `x509_svid`.
 * @throws Error naming `what`, the offset and the problem.
 *
 * @example
 * ```ts
 * splitDer(Buffer.concat([leaf.raw, intermediate.raw]), 'x509_svid').length; // 2
 * ```
 */
export function splitDer(der: Uint8Array, what: string): Buffer[] {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (bytes.length === 0) throw new Error(`${what} is empty`);
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const fail = (problem: string): never => {
      throw new Error(`${what} is not concatenated DER: ${problem} at byte ${offset}`);
    };
    if (bytes[offset] !== SEQUENCE) fail('expected a SEQUENCE (0x30)');
    const first = bytes[offset + 1];
    if (first === undefined) fail('the length is missing');
    let length: number;
    let header: number;
    if (first! < 0x80) {
      length = first!;
      header = 2;
    } else {
      const count = first! & 0x7f;
      if (count === 0) fail('an indefinite length is not DER');
      if (count > MAX_LENGTH_BYTES) fail(`a length of ${count} bytes is too long`);
      if (offset + 2 + count > bytes.length) fail('the length is cut short');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
      if (bytes[offset + 2] === 0 || length < 0x80) fail('the length is not minimally encoded');
      header = 2 + count;
    }
    if (offset + header + length > bytes.length) {
      fail(`a structure of ${header + length} bytes runs past the end (${bytes.length - offset} left)`);
    }
    parts.push(bytes.subarray(offset, offset + header + length));
    offset += header + length;
  }
  return parts;
}

/**
 * Parses concatenated DER certificates (see {@link splitDer}), at least one.
 *
 * @throws Error naming `what` and the certificate that does not parse.
 *
 * @example
 * ```ts
 * const [leaf, ...intermediates] = parseDerCertificates(svid.x509Svid, 'x509_svid');
 * ```
 */
export function parseDerCertificates(der: Uint8Array, what: string): X509Certificate[] {
  return splitDer(der, what).map((part, index) => {
    try {
      const cert = new X509Certificate(part);
      void cert.publicKey; // a key OpenSSL cannot read parses, but can never verify anything
      return cert;
    } catch (error) {
      throw new Error(`${what}: certificate ${index + 1} does not parse (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
  });
}
