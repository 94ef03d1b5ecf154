import { formatSpiffeId, parseSpiffeId } from '@rampart/core';
import { holds, InvariantViolation } from './invariant.js';

// Any text as a SPIFFE ID (from a certificate's URI SAN, a config value, an allow list): it parses to parts that
// follow the SPIFFE ID rules and format back to the same text, or it is refused with a TypeError whose message is
// short whatever the input's length.

const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
/** The longest message: 120 quoted characters, each at most 6 when escaped, and the rule. */
const MAX_MESSAGE = 1_000;

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  let parts;
  try {
    parts = parseSpiffeId(text);
  } catch (error) {
    if (!(error instanceof TypeError)) throw new InvariantViolation(`refused with ${String(error)}`);
    holds(error.message.startsWith('invalid SPIFFE ID '), 'the message does not say what was refused');
    holds(error.message.length <= MAX_MESSAGE, `a ${error.message.length}-character message`);
    return;
  }
  holds(text.length <= 2_048, 'an ID over 2048 characters was accepted');
  holds(TRUST_DOMAIN.test(parts.trustDomain), `trust domain ${JSON.stringify(parts.trustDomain)} was accepted`);
  const segments = parts.path.split('/');
  holds(segments[0] === '' && segments.length > 1, 'the path does not start with /');
  for (const segment of segments.slice(1)) holds(SEGMENT.test(segment) && segment !== '.' && segment !== '..', `segment ${JSON.stringify(segment)} was accepted`);
  holds(formatSpiffeId(parts.trustDomain, parts.path) === text, 'the parts do not format back to the ID');
}
