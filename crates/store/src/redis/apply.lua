--[[
Rampart's atomic batch: KeySpace::apply (no guards) and KeySpace::apply_guarded.

KEYS: one per guard, then one per write (DEL: one per deleted key), in batch order.
ARGV[1] = number of guards, ARGV[2] = number of writes, then each guard's and each write's
opcode and operands, in order (built by `script.rs`, which documents the layout).

Redis runs a script without interleaving other clients, but a command that fails half-way
through does NOT undo the commands before it (neither does MULTI/EXEC). So nothing is written
until nothing can fail:
  1. guards: the first that does not hold returns {'conflict', i};
  2. dry run: the writes' type rules are replayed on a model of every touched key (type,
     which fields exist, how long the list is); the first write Redis would refuse with
     WRONGTYPE returns {'wrongtype', i, key, actual_type, expected_type}, and (Redis >= 7)
     the first write the ACL user may not run returns {'noperm', i, command};
  3. the writes themselves, which can no longer fail on types.
Returns {'ok'}.
]]

local argi, keyi = 3, 1
local function next_arg()
  local v = ARGV[argi]
  argi = argi + 1
  return v
end
local function next_key()
  local k = KEYS[keyi]
  keyi = keyi + 1
  return k
end
local function type_of(k)
  return redis.call('TYPE', k)['ok']
end

-- 1. Guards ---------------------------------------------------------------------------------
-- A guard on a key of another type than it expects does not hold (the caller re-reads and
-- gets WRONGTYPE from the read), so a guard never raises.
for i = 1, tonumber(ARGV[1]) do
  local op = next_arg()
  local k = next_key()
  local t = type_of(k)
  local holds
  if op == 'string_is' then
    local present = next_arg()
    local want = next_arg()
    if present == '0' then
      holds = (t == 'none')
    else
      holds = (t == 'string' and redis.call('GET', k) == want)
    end
  elseif op == 'field_is' then
    local field = next_arg()
    local present = next_arg()
    local want = next_arg()
    if t == 'hash' then
      local cur = redis.call('HGET', k, field)
      if present == '0' then holds = (cur == false) else holds = (cur == want) end
    else
      holds = (t == 'none' and present == '0')
    end
  elseif op == 'exists' then
    holds = ((t ~= 'none') == (next_arg() == '1'))
  elseif op == 'list_len' then
    local want = tonumber(next_arg())
    if t == 'list' then
      holds = (redis.call('LLEN', k) == want)
    else
      holds = (t == 'none' and want == 0)
    end
  else
    return redis.error_reply('rampart: unknown guard ' .. tostring(op))
  end
  if not holds then
    return {'conflict', i}
  end
end

-- 2. Dry run --------------------------------------------------------------------------------
local first_write_arg, first_write_key = argi, keyi
-- key -> {t = type, n = field count or list length, fields = {field -> exists?},
--         known = true when every field is in `fields` (the key was created in this batch)}
local model = {}
local function state(k)
  local s = model[k]
  if s == nil then
    local t = type_of(k)
    s = {t = t, n = 0, fields = {}, known = (t == 'none')}
    if t == 'hash' then
      s.n = redis.call('HLEN', k)
    elseif t == 'list' then
      s.n = redis.call('LLEN', k)
    end
    model[k] = s
  end
  return s
end
local function become(s, t)
  s.t = t
  s.n = 0
  s.fields = {}
  s.known = true
end
local function has_field(k, s, f)
  local p = s.fields[f]
  if p == nil then
    p = (not s.known) and redis.call('HEXISTS', k, f) == 1
    s.fields[f] = p
  end
  return p
end
-- LRANGE/LTRIM index rules (t_list.c): the length left after LTRIM start stop.
local function trimmed_len(len, start, stop)
  if start < 0 then start = len + start end
  if stop < 0 then stop = len + stop end
  if start < 0 then start = 0 end
  if start > stop or start >= len then return 0 end
  if stop >= len then stop = len - 1 end
  return stop - start + 1
end

-- Whether the ACL user may run `cmd` on key `k` (with placeholder operands: only the
-- command and the key matter). Servers before 7.0 have no acl_check_cmd: they report NOPERM
-- from the write itself.
local function allowed(cmd, k, ...)
  if redis.acl_check_cmd == nil then return true end
  return redis.acl_check_cmd(cmd, k, ...)
end
local probe = {
  SET = {'v'}, HSET = {'f', 'v'}, HDEL = {'f'}, LPUSH = {'v'}, RPUSH = {'v'},
  LTRIM = {'0', '0'}, DEL = {}, EXPIRE = {'1'},
}

for i = 1, tonumber(ARGV[2]) do
  local op = next_arg()
  if op == 'DEL' then
    for _ = 1, tonumber(next_arg()) do
      local k = next_key()
      if not allowed('DEL', k) then return {'noperm', i, 'DEL'} end
      become(state(k), 'none')
    end
  else
    local k = next_key()
    local cmd, operands = op, probe[op]
    if op == 'SET' and ARGV[argi + 1] ~= '' then cmd, operands = 'SETEX', {'1', 'v'} end
    if operands and not allowed(cmd, k, unpack(operands)) then return {'noperm', i, cmd} end
    local s = state(k)
    if op == 'SET' then
      argi = argi + 2 -- value, ttl
      become(s, 'string')
    elseif op == 'HSET' then
      local n = tonumber(next_arg())
      if s.t == 'none' then become(s, 'hash') end
      if s.t ~= 'hash' then return {'wrongtype', i, k, s.t, 'hash'} end
      for _ = 1, n do
        local f = next_arg()
        argi = argi + 1 -- value
        if not has_field(k, s, f) then
          s.fields[f] = true
          s.n = s.n + 1
        end
      end
    elseif op == 'HDEL' then
      local n = tonumber(next_arg())
      if s.t ~= 'none' and s.t ~= 'hash' then return {'wrongtype', i, k, s.t, 'hash'} end
      for _ = 1, n do
        local f = next_arg()
        if s.t == 'hash' and has_field(k, s, f) then
          s.fields[f] = false
          s.n = s.n - 1
        end
      end
      -- Redis deletes a hash when its last field goes.
      if s.t == 'hash' and s.n == 0 then become(s, 'none') end
    elseif op == 'LPUSH' or op == 'RPUSH' then
      local n = tonumber(next_arg())
      if s.t == 'none' then become(s, 'list') end
      if s.t ~= 'list' then return {'wrongtype', i, k, s.t, 'list'} end
      argi = argi + n
      s.n = s.n + n
    elseif op == 'LTRIM' then
      local start = tonumber(next_arg())
      local stop = tonumber(next_arg())
      if s.t ~= 'none' and s.t ~= 'list' then return {'wrongtype', i, k, s.t, 'list'} end
      if s.t == 'list' then
        s.n = trimmed_len(s.n, start, stop)
        if s.n == 0 then become(s, 'none') end
      end
    elseif op == 'EXPIRE' then
      -- EXPIRE with a TTL of 0 deletes the key.
      if tonumber(next_arg()) <= 0 then become(s, 'none') end
    else
      return redis.error_reply('rampart: unknown write ' .. tostring(op))
    end
  end
end

-- 3. Writes ---------------------------------------------------------------------------------
argi, keyi = first_write_arg, first_write_key
-- Send `n` items of `width` arguments in chunks: Lua's unpack() has a small stack limit.
local function call_chunked(cmd, k, n, width)
  local buf = {}
  for _ = 1, n * width do
    buf[#buf + 1] = next_arg()
    if #buf >= 200 then
      redis.call(cmd, k, unpack(buf))
      buf = {}
    end
  end
  if #buf > 0 then redis.call(cmd, k, unpack(buf)) end
end

for _ = 1, tonumber(ARGV[2]) do
  local op = next_arg()
  if op == 'DEL' then
    for _ = 1, tonumber(next_arg()) do
      redis.call('DEL', next_key())
    end
  else
    local k = next_key()
    if op == 'SET' then
      local v = next_arg()
      local ttl = next_arg()
      if ttl == '' then redis.call('SET', k, v) else redis.call('SETEX', k, ttl, v) end
    elseif op == 'HSET' then
      call_chunked('HSET', k, tonumber(next_arg()), 2)
    elseif op == 'HDEL' then
      call_chunked('HDEL', k, tonumber(next_arg()), 1)
    elseif op == 'LPUSH' or op == 'RPUSH' then
      call_chunked(op, k, tonumber(next_arg()), 1)
    elseif op == 'LTRIM' then
      local start = next_arg()
      local stop = next_arg()
      redis.call('LTRIM', k, start, stop)
    elseif op == 'EXPIRE' then
      redis.call('EXPIRE', k, next_arg())
    end
  end
end
return {'ok'}
