-- KEYS as in reply-begin.lua. ARGV[1]: message id.
-- The lease stays until it runs out: it fences a node that still streams a reply another node ended.
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return 1
