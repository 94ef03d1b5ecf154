/** The four call kinds of OrdersService the load drives. */
export const CALL_KINDS = ['PlaceOrder', 'GetOrder', 'ImportOrders', 'TrackOrders'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/**
 * Where in the run a call started: the rollout's `before`, `inventory`, `orders` and `after`, or the name of the
 * fault that was running (`pnpm chaos`).
 */
export type Phase = string;

/** One call the load driver made. */
export interface CallRecord {
  readonly kind: CallKind;
  readonly phase: Phase;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly latencyMs: number;
  /** `OK`, a gRPC status name, or `WRONG_ANSWER` when the call succeeded with an answer that shows a lost part. */
  readonly status: string;
  readonly details?: string;
}
