import { allow, deny, type AuthorizationPolicy, type PolicyDecision, type RequestPolicyInput } from '@rampart/auth';
import type { Principal } from '@rampart/core';
import { inject, injectable } from 'inversify';
import type { GetOrderRequest__Output } from './generated/index.js';
import { ORDER_REPOSITORY, type OrderRepository } from './order-repository.js';

/**
 * Who a principal is, as an order's owner: its issuer and subject together. Subjects are unique only within their
 * issuer, and the app may trust several issuers.
 */
export function ownerKey(principal: Principal | undefined): string | undefined {
  return principal === undefined ? undefined : `${principal.issuer}\n${principal.subject}`;
}

/** The scope that lets a caller read every order (support staff, back office). */
export const ORDERS_ADMIN_SCOPE = 'orders:admin';

/**
 * Object-level authorization for reading orders: only the caller who placed an order (the same token subject), or a
 * caller with `orders:admin`, may read or track it (same issuer and subject). Decided on each request message, before the handler sees it
 * (`TrackOrders` is a stream: each order id asked for is checked). An order id nobody owns (unknown, or forgotten)
 * is left to the handler, which answers NOT_FOUND.
 */
@injectable()
export class OrderOwnerPolicy implements AuthorizationPolicy {
  constructor(@inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  authorizeRequest({ request, principal }: RequestPolicyInput<GetOrderRequest__Output>): PolicyDecision {
    if (principal?.scopes.has(ORDERS_ADMIN_SCOPE) === true) return allow();
    const owner = this.orders.ownerOf(request.orderId);
    if (owner === undefined || owner === ownerKey(principal)) return allow();
    // The id comes from the caller: only a bounded part of it goes into the audit line.
    return deny(`order ${request.orderId.slice(0, 64)} was placed by another caller`);
  }
}
