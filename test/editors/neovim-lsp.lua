-- Drives nginx-mtls-language-server from headless Neovim (0.7+, Debian's package) the way a
-- user's init.lua would: start the server over stdio for an nginx buffer, wait for its
-- diagnostics, ask for a hover, write what came back as JSON, quit.
local server = os.getenv('NGINX_MTLS_SERVER')
local file = os.getenv('NGINX_MTLS_FILE')
local out = os.getenv('NGINX_MTLS_OUT')
local hover_line = tonumber(os.getenv('NGINX_MTLS_HOVER_LINE'))
local hover_col = tonumber(os.getenv('NGINX_MTLS_HOVER_COL'))

local results = { diagnostics = {}, published = false }
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'nginx'

local client_id = vim.lsp.start_client({
  name = 'nginx-mtls',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      results.diagnostics = result.diagnostics
      results.published = true
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
vim.lsp.buf_attach_client(0, client_id)
results.got_diagnostics = vim.wait(30000, function() return results.published end, 50)

local client = vim.lsp.get_client_by_id(client_id)
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = hover_line, character = hover_col } }
local response = client.request_sync('textDocument/hover', params, 15000, 0)
results.hover = response and response.result or vim.NIL
results.shown = #vim.diagnostic.get(0)

local f = io.open(out, 'w')
f:write(vim.fn.json_encode(results))
f:close()
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 50)
vim.cmd('qa!')
