-- KEYS as in reply-begin.lua. ARGV: claiming node, lease ttl ms, message id.
-- One atomic decision among all claimers: 1 when this node now holds the lease of a reply whose lease
-- had run out, 0 when a lease is held (the generating node renewed it, or another node claimed first),
-- -1 when nothing is left of the reply (it is forgotten).
if redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[3], ARGV[3])
  return -1
end
redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
return 1
