-- KEYS[1]: the index of reply leases (sorted set, score: lease expiry in ms of the Redis clock).
-- ARGV: lease ttl ms, member ("<conversation id> <message id>").
-- The Redis clock, not the node's, so that nodes with skewed clocks agree on what has expired.
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[1]), ARGV[2])
return nowMs
