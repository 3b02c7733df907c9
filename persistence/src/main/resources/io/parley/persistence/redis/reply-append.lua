-- KEYS as in reply-begin.lua. ARGV: piece, its length in UTF-16 units, ttl ms, message id.
-- Returns the reply's length in UTF-16 units after the piece (APPEND would count UTF-8 bytes),
-- or -1 when the reply was never begun, has ended or has expired.
if redis.call('EXISTS', KEYS[1], KEYS[2]) < 2 then
  return -1
end
redis.call('APPEND', KEYS[1], ARGV[1])
local length = redis.call('HINCRBY', KEYS[2], 'len', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return length
