-- wrk script for benches/match_api.rs. Arguments: QUERIES_FILE
-- The file's first line is the API token; every other line a request path
-- (/api/v1/scripts/match?q=…), sent round robin with the token.
local token, paths, counter = "", {}, 0

function init(args)
  for line in io.lines(args[1]) do
    if token == "" then token = line else paths[#paths + 1] = line end
  end
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end

-- done(): the RESULT line, shared with the other scripts here.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "result.lua")
