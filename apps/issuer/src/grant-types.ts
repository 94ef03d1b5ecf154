/**
 * The RFC 8693 token exchange grant type, as clients send it in `grant_type`.
 *
 * @example
 * ```ts
 * body.set('grant_type', TOKEN_EXCHANGE_GRANT);
 * ```
 */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * The RFC 8693 token type of an access token: the only `subject_token_type` accepted and the `issued_token_type`
 * of every exchanged token.
 *
 * @example
 * ```ts
 * body.set('subject_token_type', ACCESS_TOKEN_TYPE);
 * ```
 */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
