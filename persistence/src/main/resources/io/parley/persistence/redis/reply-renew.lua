-- KEYS as in reply-begin.lua. ARGV: node, lease ttl ms, ttl ms of the text.
-- Returns 1 when the node holds the lease for another lease ttl (taking it again when it ran out and
-- nobody claimed it), 0 when another node holds it, -1 when nothing is left of the reply (ended, or
-- Redis lost it): nobody can claim it then, so the node may go on.
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[1] then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
