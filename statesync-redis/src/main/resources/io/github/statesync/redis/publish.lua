-- Publishes a topic's new state atomically: bump the revision, store the envelope, announce it.
-- KEYS[1] revision key, KEYS[2] snapshot key (both carry the topic's {hash tag})
-- ARGV[1] channel, ARGV[2] data as JSON, ARGV[3] event JSON up to the revision value,
-- ARGV[4] event JSON after it, ARGV[5] expected current revision, or '' for unconditional,
-- ARGV[6] the command that announces: 'SPUBLISH' (sharded pub/sub, Redis 7+: the channel shares the
-- keys' hash tag, so the announcement stays on this shard) or 'PUBLISH' (the default),
-- ARGV[7] extra envelope members, inserted verbatim between the revision and the data, each with its
-- trailing comma (for example '"schemaVersion":2,'), or '' for none.
-- History (optional): KEYS[3] history list (newest entry first), KEYS[4] its size in bytes;
-- ARGV[8] the most entries kept ('0' or absent: no history, KEYS[3] and KEYS[4] untouched),
-- ARGV[9] the most bytes kept (the newest entry is kept even alone over it), ARGV[10] the entry's
-- writer fields (size, digest, operation, node, principal, rollback-of; tab-separated). An entry is
-- 'v1', revision, previous revision, time in ms, the writer fields (tab-separated), a newline and the
-- envelope exactly as stored.
-- Returns the new revision and the one before it, separated by a space, or '!' followed by the
-- current revision when the expectation failed.
-- Redis does not roll a script back: check every write against the caller's ACL first (Redis 7+),
-- so that a user who may store but not announce, or announce but not store, changes nothing.
local announce = 'PUBLISH'
if ARGV[6] == 'SPUBLISH' then
  announce = 'SPUBLISH'
end
local keep = tonumber(ARGV[8] or '0') or 0
if redis.acl_check_cmd then
  local writes = { { 'SET', KEYS[1], '0' }, { 'INCR', KEYS[1] }, { 'SET', KEYS[2], '0' }, { announce, ARGV[1], '0' } }
  local needs = 'set and incr on the topic\'s keys and ' .. string.lower(announce) .. ' on its channel'
  if keep > 0 then
    local history = { { 'LLEN', KEYS[3] }, { 'LPUSH', KEYS[3], '0' }, { 'RPOP', KEYS[3] }, { 'SET', KEYS[4], '0' },
      { 'INCRBY', KEYS[4], '0' }, { 'DECRBY', KEYS[4], '0' } }
    for _, write in ipairs(history) do
      table.insert(writes, write)
    end
    needs = needs .. ', and with history llen, lpush and rpop on its :history key and set, incrby and decrby on its :history-size key'
  end
  for _, write in ipairs(writes) do
    if not redis.acl_check_cmd(unpack(write)) then
      return redis.error_reply('NOPERM this user may not ' .. string.lower(write[1]) .. ' ' .. write[2]
        .. ' (a publish needs ' .. needs .. '); nothing was written')
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
local envelope = '{"revision":"' .. revision .. '",' .. (ARGV[7] or '') .. '"data":' .. ARGV[2] .. '}'
redis.call('SET', KEYS[2], envelope)
local previous = current or '0'
if keep > 0 then
  -- written by this script only, so the history and the snapshot never disagree
  local millis = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
  local entry = 'v1\t' .. revision .. '\t' .. previous .. '\t' .. millis .. '\t' .. ARGV[10] .. '\n' .. envelope
  if redis.call('LLEN', KEYS[3]) == 0 then
    -- a size left behind by a deleted list would shrink what is kept forever
    redis.call('SET', KEYS[4], '0')
  end
  local count = redis.call('LPUSH', KEYS[3], entry)
  local bytes = redis.call('INCRBY', KEYS[4], string.len(entry))
  local cap = tonumber(ARGV[9]) or 0
  while count > 1 and (count > keep or bytes > cap) do
    local dropped = redis.call('RPOP', KEYS[3])
    bytes = redis.call('DECRBY', KEYS[4], string.len(dropped))
    count = count - 1
  end
end
redis.call(announce, ARGV[1], ARGV[3] .. revision .. ARGV[4])
return revision .. ' ' .. previous
