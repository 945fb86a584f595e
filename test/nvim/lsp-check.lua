-- Headless Neovim (0.7.x) as an LSP client of the built CORS Doctor server.
-- env: CD_SERVER (abs path of dist/server.js), CD_ROOT (workspace), CD_FILE (workspace-relative
-- file to open), CD_OUT (JSON result file), CD_TIMEOUT_MS.
-- Writes { diagnostics = { [uri] = last raw publishDiagnostics params }, publications = n,
-- actions = <codeAction result>, error = <message or nil> } and quits (exit 0; 3 on a Lua error).
local out_path = assert(os.getenv('CD_OUT'), 'CD_OUT not set')
local result = { diagnostics = {}, publications = 0, log = {} }

local function encode(v)
  if vim.json and vim.json.encode then return vim.json.encode(v) end
  return vim.fn.json_encode(v)
end

local function write_result()
  local f = assert(io.open(out_path, 'w'))
  f:write(encode(result))
  f:close()
end

local function main()
  local server = assert(os.getenv('CD_SERVER'), 'CD_SERVER not set')
  local root = assert(os.getenv('CD_ROOT'), 'CD_ROOT not set')
  local rel = assert(os.getenv('CD_FILE'), 'CD_FILE not set')
  local timeout = tonumber(os.getenv('CD_TIMEOUT_MS') or '20000')
  local path = root .. '/' .. rel
  local uri = vim.uri_from_fname(path)
  result.nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
  result.uri = uri

  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local handlers = {
    -- Record the raw params (0.7 moves `code` under user_data.lsp in vim.diagnostic.get).
    ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
      result.publications = result.publications + 1
      result.diagnostics[params.uri] = params
      return default_publish(err, params, ctx, config)
    end,
    ['window/logMessage'] = function(_, params)
      table.insert(result.log, params.message)
    end,
  }

  local bufnr = vim.fn.bufadd(path)
  vim.fn.bufload(bufnr)
  vim.api.nvim_buf_set_option(bufnr, 'filetype', 'javascript')

  local client_id = vim.lsp.start_client({
    name = 'cors-doctor',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'ws' } },
    handlers = handlers,
    settings = { corsDoctor = vim.empty_dict() },
    init_options = { debounceMs = 0 },
  })
  if not client_id then error('start_client failed') end
  result.attached = vim.lsp.buf_attach_client(bufnr, client_id)

  local function has_code(params, code)
    if not params then return false end
    for _, d in ipairs(params.diagnostics or {}) do
      if d.code == code then return true end
    end
    return false
  end
  local function count_files()
    local n = 0
    for _, p in pairs(result.diagnostics) do
      if #(p.diagnostics or {}) > 0 then n = n + 1 end
    end
    return n
  end

  result.got_diagnostics = vim.wait(timeout, function()
    return has_code(result.diagnostics[uri], 'hardcoded-localhost-url') and count_files() >= 3
  end, 50)
  result.vim_diagnostic_count = #vim.diagnostic.get(bufnr)

  local params = result.diagnostics[uri]
  if params and #params.diagnostics > 0 then
    local d = params.diagnostics[1]
    local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
      textDocument = { uri = uri },
      range = d.range,
      context = { diagnostics = params.diagnostics },
    }, timeout)
    if err then result.action_error = tostring(err) end
    result.actions = {}
    for _, r in pairs(responses or {}) do
      if r.err then result.action_error = vim.inspect(r.err) end
      for _, a in ipairs(r.result or {}) do table.insert(result.actions, a) end
    end
  end

  -- Apply the suppression quick fix the way Neovim does (buffer edit -> didChange) and wait for
  -- the file's diagnostics to be republished empty.
  for _, a in ipairs(result.actions or {}) do
    if a.title and a.title:find('^Disable ') and a.edit then
      result.applied = a.title
      result.publications_before_apply = result.publications
      vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
      result.suppressed = vim.wait(timeout, function()
        local p = result.diagnostics[uri]
        return p ~= nil and #p.diagnostics == 0
      end, 50)
      result.buffer_lines = vim.api.nvim_buf_get_lines(bufnr, 0, 8, false)
      result.changedtick_version = (result.diagnostics[uri] or {}).version
      break
    end
  end

  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(5000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c == nil or c.is_stopped()
  end, 50)
end

local ok, err = pcall(main)
if not ok then result.error = tostring(err) end
pcall(write_result)
vim.cmd(ok and 'qall!' or 'cquit 3')
