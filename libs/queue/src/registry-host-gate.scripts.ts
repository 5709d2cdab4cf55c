/**
 * The Redis side of `RedisHostGate`, one Lua script per step so that each is atomic. Times
 * come from the Redis server's clock (TIME), never a worker's: only durations cross over.
 *
 * Keys of one host (one hash slot: the host is the hash tag):
 *   leases  ZSET lease id → expiry (ms). A permit is a lease; expired ones (a crashed worker's)
 *           are dropped before counting.
 *   queue   ZSET process id → its place (from `seq`): processes waiting for a permit, first
 *           come first served, so a process that releases and asks again cannot keep every
 *           permit. Not a time: two processes joining within one millisecond of Redis' clock
 *           would tie, and a tie is ordered by the ids, not by who came first.
 *   seq     STRING counter handing out those places.
 *   alive   ZSET process id → when its place in the queue lapses (it renews it while it polls).
 *   pause   STRING until (ms): set by a 429 with Retry-After, with that expiry.
 * Every key expires on its own once the host is idle.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS leases, queue, alive, pause, seq; ARGV limit, leaseMs, process id, ticketMs, lease ids...
 * Returns {granted, pausedForMs}: the first `granted` lease ids are held; -1 while paused.
 * Processes ahead in the queue are left one permit each; a process served in part goes to the
 * back of the queue.
 */
export const ACQUIRE_SCRIPT = `${NOW}
local pausedUntil = tonumber(redis.call('GET', KEYS[4]) or '0')
-- Paused up to and including its last millisecond, as Redis keeps the key until then.
if pausedUntil >= now then return {-1, pausedUntil - now + 1} end
local limit, leaseMs, me, ticketMs = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local keep = math.max(leaseMs, ticketMs) * 2
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
if #lapsed > 0 then
  redis.call('ZREM', KEYS[2], unpack(lapsed))
  redis.call('ZREM', KEYS[3], unpack(lapsed))
end
local free = limit - redis.call('ZCARD', KEYS[1])
local rank = redis.call('ZRANK', KEYS[2], me)
local ahead = rank or redis.call('ZCARD', KEYS[2])
local want = #ARGV - 4
local granted = math.min(want, free - ahead)
if granted < 0 then granted = 0 end
for i = 1, granted do redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[4 + i]) end
if granted > 0 then redis.call('PEXPIRE', KEYS[1], keep) end
if granted < want then
  if granted > 0 or not rank then redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[5]), me) end
  redis.call('ZADD', KEYS[3], now + ticketMs, me)
  redis.call('PEXPIRE', KEYS[2], keep)
  redis.call('PEXPIRE', KEYS[3], keep)
  redis.call('PEXPIRE', KEYS[5], keep)
elseif rank then
  redis.call('ZREM', KEYS[2], me)
  redis.call('ZREM', KEYS[3], me)
end
return {granted, 0}`;

/** KEYS leases; ARGV leaseMs, keepMs, lease ids... Extends the leases still held (an expired one stays expired). */
export const RENEW_SCRIPT = `${NOW}
local leaseMs = tonumber(ARGV[1])
local args = {}
for i = 3, #ARGV do
  args[#args + 1] = now + leaseMs
  args[#args + 1] = ARGV[i]
end
redis.call('ZADD', KEYS[1], 'XX', unpack(args))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`;

/** KEYS pause; ARGV forMs. Pauses the host for forMs unless it already is for longer; returns how long it is paused. */
export const PAUSE_SCRIPT = `${NOW}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return current - now end
redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]))
return untilMs - now`;

/** KEYS queue, alive; ARGV process id. Leaves the queue (its waiters were served elsewhere or gave up). */
export const LEAVE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

const PREFIX = 'airuntime-templates:registry-host';

/** The keys of one host, in the order the scripts take them. */
export function hostKeys(host: string): { leases: string; queue: string; alive: string; pause: string; seq: string } {
  const base = `${PREFIX}:{${host}}`;
  return { leases: `${base}:leases`, queue: `${base}:queue`, alive: `${base}:alive`, pause: `${base}:pause`, seq: `${base}:seq` };
}
