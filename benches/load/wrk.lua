-- wrk script for benches/load.rs. Arguments: SESSIONS_FILE MODE [PACE_MS]
--   MODE autosave: POST a draft for a trainee (round robin over the sessions)
--   MODE page:     GET a trainee's exam page
--   MODE health:   GET /healthz (the framework's ceiling)
-- PACE_MS > 0: each connection waits that long between requests (a trainee whose
-- page autosaves once per PACE_MS), instead of sending back to back.
-- Each session line: cookie <TAB> csrf <TAB> attempt id <TAB> item id.
local sessions, mode, counter, pace = {}, "health", 0, 0

function init(args)
  mode = args[2] or "health"
  pace = tonumber(args[3] or "0")
  for line in io.lines(args[1]) do
    local cookie, csrf, attempt, item = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
    sessions[#sessions + 1] = { cookie = cookie, csrf = csrf, attempt = attempt, item = item }
  end
  -- Threads start at different places so they do not march in step.
  counter = math.random(#sessions)
end

function request()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  if mode == "autosave" then
    local body = '{"item_id":' .. s.item .. ',"body":"亲，您好！已经为您加急处理，今天18点前发出，第' .. counter .. '稿","spent_ms":1}'
    return wrk.format("POST", "/api/attempts/" .. s.attempt .. "/draft",
      { ["Content-Type"] = "application/json", ["Cookie"] = s.cookie, ["X-CSRF-Token"] = s.csrf }, body)
  elseif mode == "page" then
    return wrk.format("GET", "/attempts/" .. s.attempt, { ["Cookie"] = s.cookie })
  end
  return wrk.format("GET", "/healthz")
end

function delay()
  -- Jitter so paced connections do not fire in lockstep.
  if pace > 0 then return math.random(math.floor(pace / 2), pace + math.floor(pace / 2)) end
  return 0
end

-- done(): the RESULT line, shared with the other scripts here.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "result.lua")
