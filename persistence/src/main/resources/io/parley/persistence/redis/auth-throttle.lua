-- One decision of the auth-attempt throttle for one subject of one kind, atomically.
-- KEYS[1]: sorted set of the counted events (times in microseconds of the Redis server clock)
-- KEYS[2]: the lockout in force (string; its PTTL is the time left)
-- KEYS[3]: the subject's lockouts so far (counter, forgotten ARGV[6] ms after the last lockout)
-- ARGV[1]: 'attempt' counts an attempt unless it is refused, 'check' counts nothing, 'failure' counts
--          a failure (it happened); ARGV[2]: permits per window; ARGV[3]: window in ms;
-- ARGV[4]: first lockout in ms (0: no lockout, the window alone limits); ARGV[5]: longest lockout in ms;
-- ARGV[6]: how long lockouts count toward the next one's length, in ms.
-- Returns wait * 4 + reason, where reason is 0 allowed (wait 0), 1 window full (wait: until one more
-- fits), 2 locked out (wait: time left), 3 this call started a lockout (wait: its length).
local op = ARGV[1]
local permits = tonumber(ARGV[2])
local window_ms = tonumber(ARGV[3])
local lockout_ms = tonumber(ARGV[4])

local left = redis.call('PTTL', KEYS[2])
if left > 0 then
  return left * 4 + 2
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window = window_ms * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])

local function lock_out()
  local n = redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
  local ms = math.min(tonumber(ARGV[5]), lockout_ms * 2 ^ math.min(n - 1, 40))
  redis.call('SET', KEYS[2], n, 'PX', ms)
  redis.call('DEL', KEYS[1])
  return ms * 4 + 3
end

local function wait_for_room()
  -- the window must slide past this many of the oldest events before one more fits
  local pivot = redis.call('ZCARD', KEYS[1]) - permits
  local oldest = redis.call('ZRANGE', KEYS[1], pivot, pivot, 'WITHSCORES')
  return math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000)) * 4 + 1
end

local function count_one()
  redis.call('ZADD', KEYS[1], now, time[1] .. '.' .. time[2] .. '-' .. count)
  redis.call('PEXPIRE', KEYS[1], window_ms)
  count = count + 1
end

if op == 'check' then
  if count < permits then return 0 end
  return wait_for_room()
end
if op == 'attempt' then
  if count < permits then
    count_one()
    return 0
  end
  if lockout_ms > 0 then return lock_out() end
  return wait_for_room()
end
if op ~= 'failure' then
  return redis.error_reply('unknown operation ' .. tostring(op))
end
count_one()
if count < permits then return 0 end
if lockout_ms > 0 then return lock_out() end
-- keep the newest permits failures only: enough to say when one more fits
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(permits + 1))
return wait_for_room()
