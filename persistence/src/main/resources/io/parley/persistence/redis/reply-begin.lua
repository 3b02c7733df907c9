-- KEYS[1]: reply text, KEYS[2]: reply meta (author, length in UTF-16 units, origin), KEYS[3]: set of the
-- conversation's live reply ids, KEYS[4]: the reply's lease (holding node id).
-- ARGV: message id, ttl ms, author role, author id, author name, node, question id, question, bot id,
-- lease ttl ms.
redis.call('SET', KEYS[1], '', 'PX', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'role', ARGV[3], 'id', ARGV[4], 'name', ARGV[5], 'len', 0,
  'node', ARGV[6], 'question_id', ARGV[7], 'question', ARGV[8], 'bot', ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[6], 'PX', ARGV[10])
return 1
