/** One call of a chaos run, valid or invalid. */
export interface ChaosRecord {
  /** `valid`: a caller that must succeed; `invalid`: an attack that must be refused. */
  readonly caller: 'valid' | 'invalid';
  /** The call kind (PlaceOrder, GetOrder, ImportOrders, TrackOrders, Redeem) or the attack (expired-token, …). */
  readonly kind: string;
  /** The fault running when the call started, or `steady`. */
  readonly fault: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly latencyMs: number;
  /** `OK`, a gRPC status name, or `WRONG_ANSWER`. */
  readonly status: string;
  readonly details?: string;
}
