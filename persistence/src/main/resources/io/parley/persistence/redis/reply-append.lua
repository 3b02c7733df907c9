-- KEYS as in reply-begin.lua. ARGV: piece, its length in UTF-16 units, ttl ms, message id, node, the
-- conversation's event channel, the piece's reply.delta signal as LiveSignalCodec encodes it, stamped with
-- the node's origin (PubSubChannels).
-- Appends the piece and publishes the signal to the conversation's followers, in one round trip.
-- Returns the reply's length in UTF-16 units after the piece (APPEND would count UTF-8 bytes),
-- -1 when the reply was never begun, has ended or has expired, -2 when another node holds its lease
-- (the reply was taken over: the caller must stop); in both cases nothing is published.
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[5] then
  return -2
end
if redis.call('EXISTS', KEYS[1], KEYS[2]) < 2 then
  return -1
end
redis.call('APPEND', KEYS[1], ARGV[1])
local length = redis.call('HINCRBY', KEYS[2], 'len', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('PUBLISH', ARGV[6], ARGV[7])
return length
