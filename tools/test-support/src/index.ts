// The workspace's shared test helpers. Private: packages list it in devDependencies and import it from tests only.
export { collect, collectUntilError, type StreamFailure } from './streams.js';
export { rejectionOf, rampartErrorOf } from './rejections.js';
export { waitFor, eventually, type WaitOptions } from './wait-for.js';
export { RedisServer, redisInstalled, SKIP_REASON } from './redis-server.js';
