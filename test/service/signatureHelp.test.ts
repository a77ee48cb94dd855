/** Signature help for directive arguments (issue #14). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignatureHelp } from 'vscode-languageserver-types';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { activeParameter, parseSyntaxLine, signatureHelp, syntaxFromFlags } from '../../server/src/service/signatureHelp';
import { cursorAt } from './authoringHelpers';

function helpAt(textWithCursor: string): SignatureHelp | undefined {
  const { text, offset } = cursorAt(textWithCursor);
  return signatureHelp(parseFile('/c/nginx.conf', text), offset, { table: getDirectiveTable(), rootContext: 'main' });
}

/** The label of the highlighted parameter of the active signature. */
function activeLabel(help: SignatureHelp | undefined): string | undefined {
  assert.ok(help, 'no signature help');
  const signature = help.signatures[help.activeSignature ?? 0];
  const index = signature.activeParameter ?? help.activeParameter;
  const parameter = index === undefined || index === null ? undefined : signature.parameters?.[index];
  if (!parameter) return undefined;
  const [start, end] = parameter.label as [number, number];
  return signature.label.slice(start, end);
}

describe('signature help', () => {
  it('splits documented syntax lines into parameters, alternatives and repetitions', () => {
    const labels = (line: string): string[] => {
      const s = parseSyntaxLine(line);
      return s.parameters.map((p) => s.label.slice(p.start, p.end));
    };
    assert.deepEqual(labels('ssl_verify_client on | off | optional | optional_no_ca;'), ['on | off | optional | optional_no_ca']);
    assert.deepEqual(labels('add_header name value [always];'), ['name', 'value', '[always]']);
    assert.deepEqual(labels('location [ = | ~ | ~* | ^~ ] uri { ... }'), ['[ = | ~ | ~* | ^~ ]', 'uri']);
    assert.deepEqual(labels('error_page code &hellip; [=[response]] uri;'), ['code …', '[=[response]]', 'uri']);
    assert.equal(parseSyntaxLine('error_page code &hellip; [=[response]] uri;').parameters[0].variadic, true);
    assert.equal(parseSyntaxLine('proxy_pass URL;').label, 'proxy_pass URL');
  });

  it('builds a syntax from nginx\'s argument flags when the documentation has none', () => {
    assert.equal(syntaxFromFlags('x', ['NGX_HTTP_LOC_CONF', 'NGX_CONF_TAKE12']), 'x value [value];');
    assert.equal(syntaxFromFlags('x', ['NGX_HTTP_LOC_CONF', 'NGX_CONF_FLAG']), 'x on | off;');
    assert.equal(syntaxFromFlags('x', ['NGX_HTTP_LOC_CONF', 'NGX_CONF_1MORE']), 'x value …;');
    assert.equal(syntaxFromFlags('x', ['NGX_HTTP_SRV_CONF', 'NGX_CONF_BLOCK', 'NGX_CONF_NOARGS']), 'x { ... }');
    const variadic = parseSyntaxLine('x value …;');
    assert.equal(activeParameter(variadic, ['a', 'b', 'c'], 2), 0);
  });

  it('highlights the parameter of the argument being typed', () => {
    assert.equal(activeLabel(helpAt('http { server { location / { add_header |')), 'name');
    assert.equal(activeLabel(helpAt('http { server { location / { add_header X-A |')), 'value');
    assert.equal(activeLabel(helpAt('http { server { location / { add_header X-A "v" al|')), '[always]');
    assert.equal(activeLabel(helpAt('http { server { ssl_verify_client |')), 'on | off | optional | optional_no_ca');
    assert.equal(activeLabel(helpAt('http { server { location / { proxy_ssl_verify o|n; } } }')), 'on | off');
  });

  it('finds optional keyword parameters in any order (listen) and skips an absent modifier (location)', () => {
    assert.equal(activeLabel(helpAt('http { server { listen 443 ssl|')), '[ssl]');
    assert.equal(activeLabel(helpAt('http { server { listen 443 reuseport |')), '[default_server]');
    assert.equal(activeLabel(helpAt('http { server { listen 443 backlog=|')), '[backlog=number]');
    assert.equal(activeLabel(helpAt('http { server { location ~* |')), 'uri');
    assert.equal(activeLabel(helpAt('http { server { location /api|')), 'uri');
    // The condition of `if` is several arguments.
    assert.equal(activeLabel(helpAt('http { server { if ($uri ~ |')), '(condition)');
  });

  it('shows the stream entry in a stream server and nothing on names or unknown directives', () => {
    const stream = helpAt('stream { server { proxy_pass |');
    assert.ok(stream);
    assert.deepEqual(stream.signatures.map((s) => s.label), ['proxy_pass address']);
    const http = helpAt('http { server { location / { proxy_pass |');
    assert.deepEqual(http?.signatures.map((s) => s.label), ['proxy_pass URL']);
    assert.equal(helpAt('http { server { ssl_verify|'), undefined);
    assert.equal(helpAt('http { server { no_such_directive |'), undefined);
  });

  it('marks an argument too many as no parameter', () => {
    assert.equal(activeLabel(helpAt('http { server { ssl_verify_client on |')), undefined);
  });
});
