import type IORedis from 'ioredis';

/** Scans every key name and string/hash/list/set/zset/stream value in Redis for `needle`. */
export async function redisContains(redis: IORedis, needle: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      if (key.includes(needle)) return true;
      const type = await redis.type(key);
      const values =
        type === 'string' ? [await redis.get(key)]
        : type === 'hash' ? Object.values(await redis.hgetall(key))
        : type === 'list' ? await redis.lrange(key, 0, -1)
        : type === 'set' ? await redis.smembers(key)
        : type === 'zset' ? await redis.zrange(key, 0, -1)
        : type === 'stream' ? (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
        : [];
      if (values.some((v) => v?.includes(needle))) return true;
    }
  } while (cursor !== '0');
  return false;
}
