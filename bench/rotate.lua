-- wrk script: request the paths listed in the file named by the PATHS environment variable,
-- one per line, in turn. A line may carry an entity tag after a tab: it is sent as
-- If-None-Match (a revalidation, answered 304). Each wrk thread starts at its own offset.
local paths, tags = {}, {}
local counter = 0

local file = assert(io.open(os.getenv("PATHS"), "r"))
for line in file:lines() do
  if #line > 0 then
    local path, tag = line:match("^([^\t]+)\t?(.*)$")
    paths[#paths + 1] = path
    tags[#tags + 1] = tag
  end
end
file:close()

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  index = offset or 0
end

function request()
  index = index + 1
  local i = (index % #paths) + 1
  if tags[i] ~= "" then
    return wrk.format("GET", paths[i], { ["If-None-Match"] = tags[i] })
  end
  return wrk.format("GET", paths[i])
end
