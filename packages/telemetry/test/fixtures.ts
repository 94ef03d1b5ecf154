import { generateKeyPairSync, randomBytes } from 'node:crypto';

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A real-looking ES256 access token: base64url header, payload and 64-byte signature. */
export function makeJwt(claims: Record<string, unknown> = {}): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'key-2024-01' }));
  const payload = b64url(
    JSON.stringify({
      iss: 'https://issuer.demo.rampart.dev',
      sub: 'spiffe://demo.rampart.dev/orders',
      aud: 'inventory',
      scope: 'inventory:reserve',
      exp: 1_900_000_000,
      ...claims,
    }),
  );
  return `${header}.${payload}.${b64url(randomBytes(64))}`;
}

/** A fresh PKCS#8 EC private key in PEM. */
export function makePrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A logger destination that keeps every line. */
export function captureLines(): { write(line: string): void; readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    text: () => lines.join(''),
  };
}

/** Everything a token could leak as: the whole token and each of its parts. */
export function tokenParts(jwt: string): string[] {
  return [jwt, ...jwt.split('.')];
}
