-- Runs after the user's init.lua (the Neovim 0.7-0.10 block of docs/editors.md, given with -u):
-- opens a file, waits until that set-up has started the server and diagnostics arrived, then
-- asks for a rename, a definition and (when the server offers them) semantic tokens, and
-- writes what came back as JSON.
local file = os.getenv('NGINX_MTLS_FILE')
local out = os.getenv('NGINX_MTLS_OUT')
local function position(name)
  local line, col = os.getenv(name):match('(%d+),(%d+)')
  return { line = tonumber(line), character = tonumber(col) }
end

local results = {}
vim.cmd('edit ' .. vim.fn.fnameescape(file))
results.filetype = vim.bo.filetype

local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local client
results.attached = vim.wait(30000, function()
  for _, c in pairs(get_clients()) do
    if c.name == 'nginx-mtls' and c.server_capabilities and vim.lsp.buf_is_attached(0, c.id) then client = c end
  end
  return client ~= nil
end, 50)
results.got_diagnostics = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
results.diagnostic_codes = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(results.diagnostic_codes, code or vim.NIL)
end

if client then
  local document = { uri = vim.uri_from_bufnr(0) }
  local rename = client.request_sync('textDocument/rename', { textDocument = document, position = position('NGINX_MTLS_RENAME_AT'), newName = 'customer' }, 15000, 0)
  results.rename = rename and (rename.result or { error = rename.err }) or vim.NIL
  local definition = client.request_sync('textDocument/definition', { textDocument = document, position = position('NGINX_MTLS_DEFINITION_AT') }, 15000, 0)
  results.definition = definition and definition.result or vim.NIL
  results.semantic_tokens_offered = client.server_capabilities.semanticTokensProvider ~= nil
  if results.semantic_tokens_offered then
    local tokens = client.request_sync('textDocument/semanticTokens/full', { textDocument = document }, 15000, 0)
    results.semantic_tokens = tokens and tokens.result or vim.NIL
  end
end

local f = io.open(out, 'w')
f:write(vim.fn.json_encode(results))
f:close()
if client then
  client.stop()
  vim.wait(2000, function() return client.is_stopped() end, 50)
end
vim.cmd('qa!')
