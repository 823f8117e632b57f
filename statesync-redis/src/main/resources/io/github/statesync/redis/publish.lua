-- Publishes a topic's new state atomically: bump the revision, store the envelope, announce it.
-- KEYS[1] revision key, KEYS[2] snapshot key (both carry the topic's {hash tag})
-- ARGV[1] channel, ARGV[2] data as JSON, ARGV[3] event JSON up to the revision value,
-- ARGV[4] event JSON after it, ARGV[5] expected current revision, or '' for unconditional
-- Returns the new revision, or '!' followed by the current revision when the expectation failed.
local current = redis.call('GET', KEYS[1])
if ARGV[5] ~= '' and (current or '0') ~= ARGV[5] then
  return '!' .. (current or '0')
end
if not current then
  -- Seed a topic's counter with the server time in microseconds rather than 0, so that revisions
  -- keep increasing even after Redis lost its data (a restart without persistence).
  local now = redis.call('TIME')
  redis.call('SET', KEYS[1], now[1] .. string.format('%06d', tonumber(now[2])))
end
redis.call('INCR', KEYS[1])
local revision = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[2], '{"revision":"' .. revision .. '","data":' .. ARGV[2] .. '}')
redis.call('PUBLISH', ARGV[1], ARGV[3] .. revision .. ARGV[4])
return revision
