import { readFileSync } from 'node:fs';
import type { LoadConfig } from '../ipc.js';
import { ECHO_PATH, STREAM_PATH } from '../paths.js';
import type { CallPlan } from './closed-loop.js';
import { encodeEcho, encodeStreamRequest, frame } from './grpc-frame.js';
import type { GrpcRequest } from './transport.js';

/** The payload of every bench request and response. */
export const PAYLOAD = 'rampart-bench-payload';

/** The calls a generator makes for `config`. */
export function planFor(config: LoadConfig): CallPlan {
  const path = config.method === 'unary' ? ECHO_PATH : STREAM_PATH;
  const tokens =
    config.tokens === 'none'
      ? [undefined]
      : config.tokens === 'warm'
        ? [config.fixtures.warmToken]
        : readFileSync(config.fixtures.coldTokensFile, 'utf8').split('\n');
  const requests: GrpcRequest[] = tokens.map((token) =>
    token === undefined ? { path } : { path, authorization: `Bearer ${token}`, volatile: config.tokens === 'cold' },
  );
  return {
    method: config.method,
    requests,
    body: frame(config.method === 'unary' ? encodeEcho(PAYLOAD) : encodeStreamRequest(PAYLOAD, config.streamMessages)),
    expected: encodeEcho(PAYLOAD),
    messages: config.method === 'unary' ? 1 : config.streamMessages,
  };
}
