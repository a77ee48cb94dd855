-- Headless Neovim with diagnostics the server does not push again (server/src/diagnosticPublication.ts):
-- after an edit within one line, the client is only told the version was checked and keeps
-- showing what it has; after a line is added, the diagnostics are published again.
-- The client asks to be told (experimental capability), so the script knows when to look.
local server = os.getenv('NGINX_MTLS_SERVER')
local file = os.getenv('NGINX_MTLS_FILE')
local out = os.getenv('NGINX_MTLS_OUT')

local results = { published = {}, unchanged = {}, shown = {} }
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'nginx'

local capabilities = vim.lsp.protocol.make_client_capabilities()
capabilities.experimental = { nginxMtls = { diagnosticsUnchanged = true } }
local client_id = vim.lsp.start_client({
  name = 'nginx-mtls',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  capabilities = capabilities,
  flags = { debounce_text_changes = 0 },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      table.insert(results.published, result.version or vim.NIL)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
    ['nginxMtls/diagnosticsUnchanged'] = function(_, result)
      table.insert(results.unchanged, result.version)
    end,
  },
})
vim.lsp.buf_attach_client(0, client_id)

--- The lines of the diagnostics Neovim holds for the buffer, as they are shown.
local function shown_lines()
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(lines, d.lnum) end
  table.sort(lines)
  return lines
end

vim.wait(30000, function() return #results.published >= 1 end, 20)
results.shown.opened = shown_lines()

-- Within one line: a character typed at the end of the last line (a comment).
local last = vim.api.nvim_buf_line_count(0) - 1
local text = vim.api.nvim_buf_get_lines(0, last, last + 1, false)[1]
vim.api.nvim_buf_set_text(0, last, #text, last, #text, { 'x' })
vim.wait(30000, function() return #results.unchanged >= 1 end, 20)
results.published_after_typing = #results.published
results.shown.typed = shown_lines()

-- A line added at the top: every diagnostic moves down one line and is published again.
vim.api.nvim_buf_set_lines(0, 0, 0, false, { '# added' })
vim.wait(30000, function() return #results.published >= 2 end, 20)
results.shown.line_added = shown_lines()

local f = io.open(out, 'w')
f:write(vim.fn.json_encode(results))
f:close()
local client = vim.lsp.get_client_by_id(client_id)
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 50)
vim.cmd('qa!')
