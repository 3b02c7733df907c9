-- Sliding-window logs, one atomic decision over all of them. KEYS[i]: sorted set of the events
-- admitted under limit i, scored with their times in microseconds of the Redis server clock (so that
-- nodes with skewed clocks agree). ARGV[2i-1]: limit i's permits, ARGV[2i]: its window in milliseconds.
-- The event is admitted, and counted under every key, only when every limit admits it; otherwise it
-- is counted under none. Returns 0 when it is admitted, else the milliseconds until every refusing
-- limit would admit one more (the longest of their waits).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local counts = {}
local refused = false
local wait = 0

for i, key in ipairs(KEYS) do
  local permits = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i]) * 1000
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  counts[i] = count
  if count >= permits then
    refused = true
    -- the window must slide past this many of the oldest events before one more fits
    local pivot = count - permits
    local oldest = redis.call('ZRANGE', key, pivot, pivot, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end

if refused then
  return math.max(1, math.ceil(wait / 1000))
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, time[1] .. '.' .. time[2] .. '-' .. counts[i])
  redis.call('PEXPIRE', key, ARGV[2 * i])
end
return 0
