-- bench/load.lua — wrk script for `dealsearch serve` (bench/load.sh): each
-- request is the next query of a query file (qid<TAB>query lines,
-- bench/results/queries.tsv), as GET /api/search?q=..., every thread
-- starting at its own place in the list.
--
--   wrk ... -s bench/load.lua URL -- QUERIES.tsv
--
-- With LOAD_CHECK=1 every answer is read too: it must be a 200 with
-- results and took_ms, and a query must always find the same total (a
-- search of a half-built index would find fewer).  Reading bodies costs
-- wrk CPU, so throughput runs leave it off.
--
-- done() prints one line, "LOAD {json}": requests, seconds, requests per
-- second, latency percentiles in ms, wrk's error counts, and the checks.

local queries = {}
local next_query = 0
local check = os.getenv("LOAD_CHECK") == "1"
local threads = {}
local thread_count = 0

local function uri_escape(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1] or "bench/results/queries.tsv"
  for line in io.lines(path) do
    local q = line:match("^[^\t]*\t(.+)$")
    if q then table.insert(queries, "/api/search?q=" .. uri_escape(q)) end
  end
  if #queries == 0 then error("no queries in " .. path) end
  -- Threads start a prime stride apart, so they do not ask in step.
  next_query = ((thread_id or 1) - 1) * 37
  bad_bodies = 0
  mismatches = 0
  totals = {}
end

function request()
  next_query = next_query + 1
  return wrk.format("GET", queries[(next_query % #queries) + 1])
end

if check then
  function response(status, headers, body)
    if status ~= 200 or not body:find('"results":[', 1, true) or
       not body:find('"took_ms":', 1, true) then
      bad_bodies = bad_bodies + 1
      return
    end
    local query = body:match('^{"query":(.-),"corrected_query":')
    local total = body:match('"total":(%d+)')
    if query and total then
      if totals[query] == nil then
        totals[query] = total
      elseif totals[query] ~= total then
        mismatches = mismatches + 1
      end
    end
  end
end

function done(summary, latency, requests)
  local bad, mismatched = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (tonumber(t:get("bad_bodies")) or 0)
    mismatched = mismatched + (tonumber(t:get("mismatches")) or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'LOAD {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,' ..
    '"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"errors":{"connect":%d,' ..
    '"read":%d,"write":%d,"timeout":%d,"status":%d},"checked":%s,' ..
    '"bad_bodies":%d,"total_mismatches":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect, e.read,
    e.write, e.timeout, e.status, check and "true" or "false", bad,
    mismatched))
end
