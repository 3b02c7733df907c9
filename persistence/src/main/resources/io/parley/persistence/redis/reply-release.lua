-- KEYS as in reply-begin.lua. ARGV: node. Returns 1 when the node's lease is gone (released now, or it
-- had run out), 0 when another node holds it.
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[4])
return 1
