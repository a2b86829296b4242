-- wrk script: create sessions, each with a uid used nowhere before.
--
--   API_KEY=... INTEGRATION_ID=... wrk -t2 -c64 -d30s --latency -s bench/sessions.lua \
--     http://127.0.0.1:8080/v1/sessions-management/tokens
--
-- uid = B<thread>-<counter>-<runid>: the thread number and a per-thread counter make it
-- unique within a run, the run id (time + /dev/urandom, or env RUN_ID) across runs, so
-- reruns against the same database never hit the "uid already used" path. It keeps to the
-- uid rules: 5 to 60 characters of letters, digits, '-' and '_'.
--
-- Every response that is not a 200 is counted and reported by done(), with the first body
-- seen per status, so a benchmark that measured errors says so.

local function random_hex(bytes)
  local f = io.open("/dev/urandom", "rb")
  if not f then
    return string.format("%08x", math.random(0, 0x7fffffff))
  end
  local raw = f:read(bytes)
  f:close()
  return (raw:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

local function alnum(s)
  return (s ~= nil and s:match("^[A-Za-z0-9]+$") ~= nil)
end

-- Evaluated in the main Lua state and in each thread's; setup() then overwrites each
-- thread's global run_id with the main state's, so all threads of one run share it.
run_id = os.getenv("RUN_ID")
if not alnum(run_id) then
  run_id = string.format("%x", os.time()) .. random_hex(3)
end
local api_key = os.getenv("API_KEY") or ""
local integration_id = os.getenv("INTEGRATION_ID") or ""

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_no", next_thread)
  thread:set("run_id", run_id)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  non200 = 0
  statuses = {}   -- status code (as a string) -> count, non-200 only
  samples = {}    -- status code (as a string) -> first body seen
  wrk.method = "POST"
  wrk.headers["api-key"] = api_key
  wrk.headers["Content-Type"] = "application/json"
  prefix = '{"uid":"B' .. thread_no .. "-"
  suffix = "-" .. run_id .. '","integration_id":"' .. integration_id .. '"}'
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, prefix .. counter .. suffix)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if samples[key] == nil then
      samples[key] = string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local total, counts, bodies = 0, {}, {}
  for _, thread in ipairs(threads) do
    total = total + (thread:get("non200") or 0)
    for code, n in pairs(thread:get("statuses") or {}) do
      counts[code] = (counts[code] or 0) + n
    end
    for code, body in pairs(thread:get("samples") or {}) do
      if bodies[code] == nil then bodies[code] = body end
    end
  end
  local e = summary.errors
  io.write(string.format("run id: %s\n", run_id))
  io.write(string.format("non-200 responses: %d of %d\n", total, summary.requests))
  for code, n in pairs(counts) do
    io.write(string.format("  status %s: %d, e.g. %s\n", code, n, bodies[code]))
  end
  io.write(string.format(
    "BENCH requests=%d non200=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, total, e.connect, e.read, e.write, e.timeout))
end
