import { UsageError } from './io.js';

const SERVICE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PROTO_PACKAGE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const TRUST_DOMAIN = /^[a-z0-9](?:[a-z0-9._-]{0,253}[a-z0-9])?$/;
const MAX_NAME_LENGTH = 40;

/**
 * The spellings of a service name that the templates need.
 *
 * @example
 * ```ts
 * serviceNames('payment-gateway');
 * // { name: 'payment-gateway', pascal: 'PaymentGateway', camel: 'paymentGateway', snake: 'payment_gateway' }
 * ```
 */
export interface ServiceNames {
  /** As given: lowercase letters, digits, dashes. The app folder, workload name and SPIFFE ID path. */
  readonly name: string;
  /** `PaymentGateway`: the service (`PaymentGatewayService`) and class names. */
  readonly pascal: string;
  /** `paymentGateway`: the `paymentGatewayAppOptions()` function. */
  readonly camel: string;
  /** `payment_gateway`: the proto package segment and file name. */
  readonly snake: string;
}

/**
 * Checks a service name (lowercase letters, digits and single dashes, starting with a letter, at most 40) and
 * derives its spellings.
 *
 * @throws UsageError for an invalid name.
 *
 * @example
 * ```ts
 * serviceNames('payments').pascal; // 'Payments'
 * ```
 */
export function serviceNames(name: string): ServiceNames {
  if (!SERVICE_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new UsageError(
      `invalid service name ${JSON.stringify(name)}: use lowercase letters, digits and single dashes, starting with a letter (at most ${MAX_NAME_LENGTH}), e.g. payments or payment-gateway`,
      'new',
    );
  }
  const words = name.split('-');
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return { name, pascal, camel: pascal.charAt(0).toLowerCase() + pascal.slice(1), snake: words.join('_') };
}

/**
 * Checks a proto package name: at least two dot-separated lowercase identifiers (`acme.payments.v1`).
 *
 * @throws UsageError for an invalid package.
 *
 * @example
 * ```ts
 * protoPackage('acme.payments.v1'); // 'acme.payments.v1'
 * ```
 */
export function protoPackage(value: string): string {
  if (!PROTO_PACKAGE.test(value)) {
    throw new UsageError(
      `invalid proto package ${JSON.stringify(value)}: use dot-separated lowercase identifiers (letters, digits, _), e.g. acme.payments.v1`,
      'new',
    );
  }
  return value;
}

/**
 * Checks a SPIFFE trust domain (lowercase letters, digits, `.`, `-`, `_`).
 *
 * @throws UsageError for an invalid trust domain.
 *
 * @example
 * ```ts
 * trustDomain('demo.rampart.dev');
 * ```
 */
export function trustDomain(value: string, topic = 'new'): string {
  if (!TRUST_DOMAIN.test(value)) {
    throw new UsageError(`invalid trust domain ${JSON.stringify(value)}: use lowercase letters, digits, ".", "-" and "_"`, topic);
  }
  return value;
}
