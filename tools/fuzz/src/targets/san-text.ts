import { parseSubjectAltNames } from '@rampart/core';
import { formatAltNameAsNode } from './fixtures/node-alt-names.js';
import { holds, parts } from './invariant.js';

// The subject alternative names Node gives as text (`URI:spiffe://a/b, DNS:localhost`), which decides a peer's SPIFFE
// ID. The first byte picks the mode:
// - even: the rest is any text: it reads as lists of strings or as undefined (ambiguous), never throws, and has no
//   more entries than the text has ", " separators plus one;
// - odd: the rest is names (NUL between them; each one's first byte picks URI, DNS or IP Address) written the way
//   Node writes them: they read back exactly, in order, whatever characters they hold.

const KINDS = ['URI', 'DNS', 'IP Address'] as const;

export function fuzz(data: Buffer): void {
  if (data.length === 0) return;
  const body = data.subarray(1);
  if ((data[0] as number) % 2 === 0) {
    const text = body.toString('utf8');
    const parsed = parseSubjectAltNames(text);
    if (parsed === undefined) return;
    const count = parsed.uris.length + parsed.dnsNames.length + parsed.ipAddresses.length;
    holds(count <= text.split(', ').length, `${count} names from ${text.split(', ').length} entries`);
    for (const list of [parsed.uris, parsed.dnsNames, parsed.ipAddresses]) holds(list.every((v) => typeof v === 'string'), 'a name is not a string');
    return;
  }
  const names = parts(body, 16).map((p) => ({ kind: KINDS[(p[0] ?? 0) % KINDS.length] as (typeof KINDS)[number], value: p.subarray(1).toString('latin1') }));
  const text = names.map((n) => formatAltNameAsNode(n.kind, n.value)).join(', ');
  const parsed = parseSubjectAltNames(text);
  holds(parsed !== undefined, `Node-written names read as ambiguous: ${text}`);
  const want = (kind: string) => names.filter((n) => n.kind === kind).map((n) => n.value);
  holds(JSON.stringify(parsed.uris) === JSON.stringify(want('URI')), 'the URIs do not read back');
  holds(JSON.stringify(parsed.dnsNames) === JSON.stringify(want('DNS')), 'the DNS names do not read back');
  holds(JSON.stringify(parsed.ipAddresses) === JSON.stringify(want('IP Address')), 'the IP addresses do not read back');
}
