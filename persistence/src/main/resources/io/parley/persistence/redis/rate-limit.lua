-- Sliding-window log. KEYS[1]: sorted set of the admitted events' times in microseconds of the
-- Redis server clock (so that nodes with skewed clocks agree). ARGV[1]: permits, ARGV[2]: window
-- in milliseconds. Returns 0 when the event is admitted, else the milliseconds until one more would be.
local key = KEYS[1]
local permits = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < permits then
  redis.call('ZADD', key, now, time[1] .. '.' .. time[2] .. '-' .. count)
  redis.call('PEXPIRE', key, ARGV[2])
  return 0
end
-- the window must slide past this many of the oldest events before one more fits
local pivot = count - permits
local oldest = redis.call('ZRANGE', key, pivot, pivot, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
return math.max(1, math.ceil(wait / 1000))
