-- Layer "nvim": headless Neovim 0.7 (Debian) as a real LSP client of the bundled cachelint server
-- over stdio, on a copy of examples/incident. Driven by test/e2e/nvim.ts, which reads the report.
-- Run: nvim --headless -n -i NONE -u test/e2e/nvim/init.lua <copy>/incident/conf.d/shop.conf
-- Env: LSP_SERVER (dist/server.js), LSP_REPORT (JSON report path), LSP_TIMEOUT_MS (per wait, 10000).
-- Each check lands in report.checks as {name, ok, detail}; exit status 0 = all passed.
-- Positions are found by searching the buffer (and nginx.conf on disk), never hard-coded.
local server_js = os.getenv('LSP_SERVER') or 'dist/server.js'
local report_path = os.getenv('LSP_REPORT')
local timeout = tonumber(os.getenv('LSP_TIMEOUT_MS') or '10000')
local v = vim.version()
local report = { nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch), checks = {}, publishes = {} }

local VOLATILE = 'nginx/cache-key-volatile-variable'
local UPSTREAM_TTL = 'nginx/upstream-ttl-overrides-cache-valid'

--- Waits (polling every 20 ms, no fixed sleep) until `pred` holds; gives up early when the server exits.
local function wait(pred)
  vim.wait(timeout, function() return pred() or report.server_exit ~= nil end, 20)
  return pred() and true or false
end

local function elapsed_ms(t0)
  return math.floor((vim.loop.hrtime() - t0) / 1e6)
end

--- A value on one line, for the runner's one line per check.
local function one_line(value)
  local s = type(value) == 'string' and (value:gsub('%s*\n%s*', ' ')) or vim.inspect(value, { newline = ' ', indent = '' })
  return #s > 1000 and s:sub(1, 1000) .. ' …' or s
end

--- Records a check; a failed one aborts the current step (the error carries no traceback).
local function check(name, cond, detail)
  local ok = cond and true or false
  table.insert(report.checks, { name = name, ok = ok, detail = (not ok) and one_line(detail) or nil })
  if not ok then error({ check = name }, 0) end
end

--- Runs one step; an unexpected Lua error becomes a failed check named after the step.
local function step(name, fn)
  local ok, err = pcall(fn)
  if ok then return true end
  if type(err) ~= 'table' or not err.check then
    table.insert(report.checks, { name = name, ok = false, detail = 'Lua error: ' .. one_line(tostring(err)) })
  end
  return false
end

local function skipped(name, because)
  table.insert(report.checks, { name = name, ok = false, detail = 'not run: ' .. because .. ' failed' })
end

local function write_report()
  if not report_path then return end
  local f = io.open(report_path, 'w')
  if f then
    f:write(vim.fn.json_encode(report))
    f:close()
  end
end

local function finish()
  local all = #report.checks > 0
  for _, c in ipairs(report.checks) do all = all and c.ok end
  report.ok = all
  pcall(write_report)
  pcall(vim.lsp.stop_client, vim.lsp.get_active_clients(), true)
  vim.cmd(all and 'qall!' or 'cquit! 1')
end

--- 0-based index of the first buffer line containing `needle` (plain), and the line.
local function find_line(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(needle, 1, true) then return i - 1, line end
  end
  error('no line containing ' .. needle .. ' in the buffer', 0)
end

--- An LSP position for byte column `col` of `line` (UTF-16, the server's encoding).
local function position(lnum, line, col)
  local _, utf16 = vim.str_utfindex(line, col)
  return { line = lnum, character = utf16 }
end

--- The text of a hover result, whatever shape `contents` has.
local function hover_text(result)
  if not result or not result.contents then return nil end
  local c = result.contents
  if type(c) == 'string' then return c end
  if c.value then return c.value end
  local parts = {}
  for _, p in ipairs(c) do table.insert(parts, type(p) == 'string' and p or p.value or '') end
  return table.concat(parts, '\n')
end

--- The one client's result of a synchronous request (nil + error text otherwise).
local function request(bufnr, client_id, method, params)
  local res, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not res then return nil, 'no response: ' .. tostring(err) end
  local r = res[client_id]
  if not r then return nil, 'no response from the client' end
  if r.err then return nil, vim.inspect(r.err) end
  return r.result
end

local function by_code(bufnr, code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then table.insert(out, d) end
  end
  return out
end

local function summarize(diags)
  return vim.tbl_map(function(d)
    return { code = d.code, severity = d.severity, lnum = d.lnum, col = d.col, source = d.source, message = d.message }
  end, diags)
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local root = vim.fn.fnamemodify(fname, ':p:h:h') -- the incident folder, parent of conf.d
  report.file = fname
  report.root = root
  report.filetype = vim.bo[bufnr].filetype

  -- Keep a log of what the server publishes for this buffer (for the report, not for the checks).
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local t_start = vim.loop.hrtime()
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri then
      table.insert(report.publishes, {
        ms = elapsed_ms(t_start),
        uri = result.uri,
        version = result.version,
        codes = vim.tbl_map(function(d) return d.code end, result.diagnostics or {}),
      })
    end
    return publish(err, result, ctx, config)
  end

  local client_id, client
  local started = step('client starts, attaches and initializes', function()
    client_id = vim.lsp.start_client({
      name = 'cachelint',
      cmd = { 'node', server_js, '--stdio' },
      root_dir = root,
      on_exit = function(code, signal) report.server_exit = { code = code, signal = signal } end,
    })
    check('client starts', client_id ~= nil, client_id)
    check('client attaches', vim.lsp.buf_attach_client(bufnr, client_id), client_id)
    client = vim.lsp.get_client_by_id(client_id)
    local ok = wait(function() return client.initialized end)
    report.initialized_ms = elapsed_ms(t_start)
    check('client initializes', ok, { server_exit = report.server_exit })
    report.offset_encoding = client.offset_encoding
  end)
  if not started then
    for _, n in ipairs({ 'diagnostics', 'hover', 'code action', 'republish', 'definition' }) do skipped(n, 'client start') end
    return
  end

  -- 2. textDocument/publishDiagnostics → vim.diagnostic
  local key_lnum, key_line = find_line(bufnr, 'proxy_cache_key')
  step('diagnostics', function()
    local valid_lnum = find_line(bufnr, 'proxy_cache_valid')
    local t0 = vim.loop.hrtime()
    local got = wait(function()
      -- The two incident findings are the only errors and warnings (the rest is information).
      local serious = vim.diagnostic.get(bufnr, { severity = { min = vim.diagnostic.severity.WARN } })
      return #serious == 2 and #by_code(bufnr, VOLATILE) == 1 and #by_code(bufnr, UPSTREAM_TTL) == 1
    end)
    report.diagnostics_ms = elapsed_ms(t0)
    local all = vim.diagnostic.get(bufnr)
    report.diagnostics = summarize(all)
    check('diagnostics: the two incident findings are the only errors/warnings', got, { diagnostics = report.diagnostics, server_exit = report.server_exit })
    local d = by_code(bufnr, VOLATILE)[1]
    local col = key_line:find('$request_id', 1, true) - 1
    check(VOLATILE .. ': ERROR on the proxy_cache_key line at $request_id',
      d.severity == vim.diagnostic.severity.ERROR and d.lnum == key_lnum and d.col == col and d.source == 'cachelint',
      { got = summarize({ d })[1], want = { lnum = key_lnum, col = col, severity = vim.diagnostic.severity.ERROR } })
    local w = by_code(bufnr, UPSTREAM_TTL)[1]
    check(UPSTREAM_TTL .. ': WARN on the proxy_cache_valid line',
      w.severity == vim.diagnostic.severity.WARN and w.lnum == valid_lnum and w.source == 'cachelint',
      { got = summarize({ w })[1], want = { lnum = valid_lnum, severity = vim.diagnostic.severity.WARN } })
  end)

  -- 3. textDocument/hover
  step('hover', function()
    local lnum, line = find_line(bufnr, 'proxy_cache shop;')
    local col = line:find('shop;', 1, true) - 1
    local result, err = request(bufnr, client_id, 'textDocument/hover',
      { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position(lnum, line, col) })
    local text = hover_text(result)
    report.hover_zone = text
    check('hover on proxy_cache shop: effective policy of zone `shop`', text and text:find('zone `shop`', 1, true), text or err)

    lnum, line = find_line(bufnr, 'proxy_cache_lock')
    col = line:find('proxy_cache_lock', 1, true) + 2
    result, err = request(bufnr, client_id, 'textDocument/hover',
      { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position(lnum, line, col) })
    text = hover_text(result)
    report.hover_lock = text
    check('hover on proxy_cache_lock: directive card', text and text:find('**proxy_cache_lock**', 1, true), text or err)
  end)

  -- 4. textDocument/codeAction on the volatile-key diagnostic, apply, write, check the file on disk
  local fixed = false
  if #by_code(bufnr, VOLATILE) == 1 then
    fixed = step('code action', function()
      local d = by_code(bufnr, VOLATILE)[1]
      -- the context 0.7's vim.lsp.buf.code_action() sends: the line's diagnostics in LSP shape
      local line_diags = vim.lsp.diagnostic.get_line_diagnostics(bufnr, d.lnum)
      local params = {
        textDocument = { uri = vim.uri_from_bufnr(bufnr) },
        range = { start = position(d.lnum, key_line, d.col), ['end'] = position(d.end_lnum, key_line, d.end_col) },
        context = { diagnostics = line_diags },
      }
      local actions, err = request(bufnr, client_id, 'textDocument/codeAction', params)
      actions = actions or {}
      report.code_actions = vim.tbl_map(function(a) return a.title end, actions)
      local remove, disable
      for _, a in ipairs(actions) do
        if a.title == 'Remove $request_id from the cache key' then remove = a end
        if a.title == 'Disable ' .. VOLATILE .. ' for this line' then disable = a end
      end
      check('code actions: remove $request_id and disable for this line offered', remove and disable, { titles = report.code_actions, err = err })
      check('code action remove $request_id carries an edit', remove.edit ~= nil, remove)
      vim.lsp.util.apply_workspace_edit(remove.edit, client.offset_encoding)
      local now = vim.api.nvim_buf_get_lines(bufnr, key_lnum, key_lnum + 1, false)[1]
      check('code action applied to the buffer', vim.trim(now) == 'proxy_cache_key $scheme$host$request_uri;', now)
      vim.cmd('silent write')
      local f = assert(io.open(fname, 'r'))
      local disk = f:read('*a')
      f:close()
      check('file on disk: $request_uri; kept, $request_id gone',
        disk:find('$request_uri;', 1, true) ~= nil and disk:find('$request_id', 1, true) == nil,
        disk:match('[^\n]*proxy_cache_key[^\n]*'))
    end)
  else
    skipped('code action', 'diagnostics')
  end

  -- 5. the server republishes after didChange
  if fixed then
    step('republish', function()
      local t0 = vim.loop.hrtime()
      local ok = wait(function()
        return #by_code(bufnr, VOLATILE) == 0 and #by_code(bufnr, UPSTREAM_TTL) == 1
      end)
      report.republish_ms = elapsed_ms(t0)
      check('after the fix: volatile-key diagnostic gone, upstream-TTL one kept', ok, { diagnostics = summarize(vim.diagnostic.get(bufnr)), server_exit = report.server_exit })
    end)
  else
    skipped('republish', 'code action')
  end

  -- 6. textDocument/definition on the zone name → keys_zone=shop in nginx.conf
  step('definition', function()
    local lnum, line = find_line(bufnr, 'proxy_cache shop;')
    local col = line:find('shop;', 1, true) - 1
    local result, err = request(bufnr, client_id, 'textDocument/definition',
      { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position(lnum, line, col) })
    if result and (result.uri or result.targetUri) then result = { result } end
    local loc = result and result[1]
    local uri = loc and (loc.uri or loc.targetUri)
    local range = loc and (loc.targetSelectionRange or loc.range)
    local want_line
    local f = assert(io.open(root .. '/nginx.conf', 'r'))
    local i = 0
    for l in f:lines() do
      if not want_line and l:find('keys_zone=shop', 1, true) then want_line = i end
      i = i + 1
    end
    f:close()
    report.definition = result
    check('definition of zone shop: keys_zone=shop in nginx.conf',
      uri and vim.endswith(uri, '/incident/nginx.conf') and range and range.start.line == want_line,
      { got = result or err, want_line = want_line })
  end)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = pcall(main)
      if not ok then
        table.insert(report.checks, { name = 'init.lua', ok = false, detail = 'Lua error: ' .. tostring(type(err) == 'table' and vim.inspect(err) or err) })
      end
      finish()
    end)
  end,
})
