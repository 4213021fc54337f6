-- wrk script: POST the CDS Hooks request in $CAIRN_LOAD_BODY to the URL's path.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("CAIRN_LOAD_BODY"), "r"))
wrk.body = f:read("*a")
f:close()
