/**
 * Lua scripts of indexed entities. Each touches an entity and its bookkeeping
 * hash (same hash tag, so same slot) in one atomic step and returns what the
 * caller needs to keep the index entries (other slots) right afterwards.
 *
 * Write versions are the server clock in microseconds, kept strictly
 * increasing per entity, so that index entries can be added with `ZADD GT`
 * and removed only when they are not newer than the write that replaced them.
 */
const CHUNKED_HSET = (target: string, from: string, to: string) => `
for i = ${from}, ${to}, 256 do
  redis.call('HSET', ${target}, unpack(ARGV, i, math.min(i + 255, ${to})))
end`;

const NEXT_VERSION = `
local previous = tonumber(redis.call('HGET', book, '#v')) or 0
local now = redis.call('TIME')
local version = math.max(tonumber(now[1]) * 1000000 + tonumber(now[2]), previous + 1)
redis.call('HSET', book, '#v', string.format('%.0f', version))`;

/** Applies `field, reference` pairs at ARGV[from..to] to the bookkeeping ('' removes). Collects the old ones. */
const APPLY_REFERENCES = (from: string, to: string) => `
local replaced = {}
for i = ${from}, ${to}, 2 do
  local field, reference = ARGV[i], ARGV[i + 1]
  replaced[#replaced + 1] = field
  replaced[#replaced + 1] = redis.call('HGET', book, field) or ''
  if reference == '' then redis.call('HDEL', book, field) else redis.call('HSET', book, field, reference) end
end`;

const BOOK_FOLLOWS_ENTITY_EXPIRY = `
local remaining = redis.call('PTTL', key)
if remaining > 0 then redis.call('PEXPIRE', book, remaining) else redis.call('PERSIST', book) end`;

/**
 * Replaces an entity and its bookkeeping. ARGV: storage ('hash' | 'json'),
 * mode ('save' | 'insert'), ttl ('keep' | 'none' | ms), n, n field/reference
 * pairs, then the JSON document or the hash field/value pairs.
 * Returns {0} when an insert finds the entity, else
 * {1, previous version, version, old bookkeeping pairs...}.
 */
export const INDEXED_WRITE = `
local key, book = KEYS[1], KEYS[2]
local storage, mode, ttl = ARGV[1], ARGV[2], ARGV[3]
if mode == 'insert' and redis.call('EXISTS', key) == 1 then return {0} end
local remaining = -1
if ttl == 'keep' then remaining = redis.call('PTTL', key) end
local old = redis.call('HGETALL', book)
${NEXT_VERSION}
redis.call('DEL', key)
local last = 4 + 2 * tonumber(ARGV[4])
if storage == 'json' then
  redis.call('SET', key, ARGV[last + 1])
else
  ${CHUNKED_HSET('key', 'last + 1', '#ARGV')}
end
redis.call('DEL', book)
redis.call('HSET', book, '#v', string.format('%.0f', version))
if last > 4 then
  ${CHUNKED_HSET('book', '5', 'last')}
end
local expiry = -1
if ttl == 'keep' then expiry = remaining elseif ttl ~= 'none' then expiry = tonumber(ttl) end
if expiry > 0 then
  redis.call('PEXPIRE', key, expiry)
  redis.call('PEXPIRE', book, expiry)
end
local reply = {1, string.format('%.0f', previous), string.format('%.0f', version)}
for i = 1, #old do reply[#reply + 1] = old[i] end
return reply`;

/**
 * Sets fields of an existing hash entity. ARGV: n, n field/reference pairs,
 * then field/value pairs. Returns nil when absent, else
 * {all fields, {previous version, version}, replaced field/reference pairs}.
 */
export const INDEXED_HASH_UPDATE = `
local key, book = KEYS[1], KEYS[2]
if redis.call('EXISTS', key) == 0 then return false end
local last = 1 + 2 * tonumber(ARGV[1])
${NEXT_VERSION}
${APPLY_REFERENCES('2', 'last')}
if #ARGV > last then
  ${CHUNKED_HSET('key', 'last + 1', '#ARGV')}
end
${BOOK_FOLLOWS_ENTITY_EXPIRY}
return {redis.call('HGETALL', key), {string.format('%.0f', previous), string.format('%.0f', version)}, replaced}`;

/**
 * Replaces a JSON entity only if it still holds what the caller read, keeping
 * its expiry. ARGV: expected, next, n, n field/reference pairs.
 * Returns {0} when it changed meanwhile, else {1, previous version, version, replaced pairs...}.
 */
export const INDEXED_COMPARE_AND_SET = `
local key, book = KEYS[1], KEYS[2]
if redis.call('GET', key) ~= ARGV[1] then return {0} end
redis.call('SET', key, ARGV[2], 'KEEPTTL')
local last = 3 + 2 * tonumber(ARGV[3])
${NEXT_VERSION}
${APPLY_REFERENCES('4', 'last')}
${BOOK_FOLLOWS_ENTITY_EXPIRY}
local reply = {1, string.format('%.0f', previous), string.format('%.0f', version)}
for i = 1, #replaced do reply[#reply + 1] = replaced[i] end
return reply`;

/** Deletes an entity and its bookkeeping. Returns {deleted count, old bookkeeping pairs...}. */
export const INDEXED_DELETE = `
local key, book = KEYS[1], KEYS[2]
local old = redis.call('HGETALL', book)
local deleted = redis.call('DEL', key)
redis.call('DEL', book)
local reply = {deleted}
for i = 1, #old do reply[#reply + 1] = old[i] end
return reply`;

/**
 * Removes an id from an index entry only if its score is not newer than
 * ARGV[2]: a concurrent write that re-added it keeps it. ARGV: id, version.
 */
export const INDEX_ENTRY_REMOVE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`;

/**
 * Replaces an entity's index references only if the indexed fields still
 * hold what the caller read: for hash storage each field's text, for JSON
 * storage the whole document. ARGV: storage, expected document (JSON) or '',
 * n, then n triples field, expected text (hash), reference.
 * Returns {0} when something changed meanwhile, else
 * {1, previous version, version, replaced pairs...}.
 */
export const INDEX_REFRESH = `
local key, book = KEYS[1], KEYS[2]
local storage, n = ARGV[1], tonumber(ARGV[3])
if storage == 'json' then
  if redis.call('GET', key) ~= ARGV[2] then return {0} end
else
  if redis.call('EXISTS', key) == 0 then return {0} end
  for i = 4, 3 + 3 * n, 3 do
    local stored = redis.call('HGET', key, ARGV[i]) or ''
    if stored ~= ARGV[i + 1] then return {0} end
  end
end
${NEXT_VERSION}
local replaced = {}
for i = 4, 3 + 3 * n, 3 do
  local field, reference = ARGV[i], ARGV[i + 2]
  replaced[#replaced + 1] = field
  replaced[#replaced + 1] = redis.call('HGET', book, field) or ''
  if reference == '' then redis.call('HDEL', book, field) else redis.call('HSET', book, field, reference) end
end
${BOOK_FOLLOWS_ENTITY_EXPIRY}
local reply = {1, string.format('%.0f', previous), string.format('%.0f', version)}
for i = 1, #replaced do reply[#reply + 1] = replaced[i] end
return reply`;
