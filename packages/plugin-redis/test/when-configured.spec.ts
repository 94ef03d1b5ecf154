import { describe, expect, it } from 'vitest';
import { RAMPART_REDIS, rampartRedisWhenConfigured } from '../src/index.js';

describe('rampartRedisWhenConfigured', () => {
  it('adds the Redis plugin when the environment names a Redis (URL or URL file), and nothing otherwise', () => {
    expect(rampartRedisWhenConfigured({}).map((p) => p.name)).toEqual([]);
    expect(rampartRedisWhenConfigured({ RAMPART_REDIS_URL: '' })).toEqual([]);
    expect(rampartRedisWhenConfigured({ RAMPART_REDIS_URL: 'redis://127.0.0.1:6379' }).map((p) => p.name)).toEqual([RAMPART_REDIS]);
    expect(rampartRedisWhenConfigured({ RAMPART_REDIS_URL_FILE: '/run/secrets/redis-url' }).map((p) => p.name)).toEqual([RAMPART_REDIS]);
  });
});
