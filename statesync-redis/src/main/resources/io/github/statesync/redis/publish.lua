-- Publishes a topic's new state atomically: bump the revision, store the envelope, announce it.
-- KEYS[1] revision key, KEYS[2] snapshot key (both carry the topic's {hash tag})
-- ARGV[1] channel, ARGV[2] data as JSON, ARGV[3] event JSON up to the revision value,
-- ARGV[4] event JSON after it, ARGV[5] expected current revision, or '' for unconditional,
-- ARGV[6] the command that announces: 'SPUBLISH' (sharded pub/sub, Redis 7+: the channel shares the
-- keys' hash tag, so the announcement stays on this shard) or 'PUBLISH' (the default),
-- ARGV[7] extra envelope members, inserted verbatim between the revision and the data, each with its
-- trailing comma (for example '"schemaVersion":2,'), or '' for none
-- Returns the new revision, or '!' followed by the current revision when the expectation failed.
-- Redis does not roll a script back: check every write against the caller's ACL first (Redis 7+),
-- so that a user who may store but not announce, or announce but not store, changes nothing.
local announce = 'PUBLISH'
if ARGV[6] == 'SPUBLISH' then
  announce = 'SPUBLISH'
end
if redis.acl_check_cmd then
  local writes = { { 'SET', KEYS[1], '0' }, { 'INCR', KEYS[1] }, { 'SET', KEYS[2], '0' }, { announce, ARGV[1], '0' } }
  for _, write in ipairs(writes) do
    if not redis.acl_check_cmd(unpack(write)) then
      return redis.error_reply('NOPERM this user may not ' .. string.lower(write[1]) .. ' ' .. write[2]
        .. ' (a publish needs set and incr on the topic\'s keys and ' .. string.lower(announce) .. ' on its channel); nothing was written')
    end
  end
end
local current = redis.call('GET', KEYS[1])
if ARGV[5] ~= '' and (current or '0') ~= ARGV[5] then
  return '!' .. (current or '0')
end
-- The next revision is the larger of the counter plus one and the server time in microseconds,
-- so a revision is never issued twice even when Redis lost its data (a restart without
-- persistence), was restored from an older backup, or had its counter overwritten: every
-- revision issued before was below the clock of its time. Only a server clock set back by more
-- than the time since the lost writes could reissue one.
local now = redis.call('TIME')
local clock = now[1] .. string.format('%06d', tonumber(now[2]))
if current and tonumber(current) >= tonumber(clock) then
  redis.call('INCR', KEYS[1])
else
  redis.call('SET', KEYS[1], clock)
end
local revision = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[2], '{"revision":"' .. revision .. '",' .. (ARGV[7] or '') .. '"data":' .. ARGV[2] .. '}')
redis.call(announce, ARGV[1], ARGV[3] .. revision .. ARGV[4])
return revision
