import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, makeNonce, previewHtml, revealTarget, secureHtml, textPage } from '../common/webview';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

test('the policy allows nothing but our nonce and the webview origin', () => {
    const csp = contentSecurityPolicy(SOURCE, 'abc');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!file\+)/);
});

test("a page's own CSP is replaced and its inline scripts and styles get our nonce", () => {
    const page = '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="script-src \'sha256-x\'">' +
        '<style>b{}</style></head><body><script nonce="old">go()</script><script src="x.js"></script></body></html>';
    const out = secureHtml(page, SOURCE, 'N1');
    assert.equal((out.match(/Content-Security-Policy/g) ?? []).length, 1);
    assert.doesNotMatch(out, /sha256-x|nonce="old"/);
    assert.equal((out.match(/nonce="N1"/g) ?? []).length, 3);
    assert.ok(out.indexOf('Content-Security-Policy') < out.indexOf('<style'));
});

test('a fragment without <head> is wrapped in a page with the policy', () => {
    const out = secureHtml('<p>hi</p>', SOURCE, 'N');
    assert.match(out, /^<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"/);
});

test('nonces are fresh and unguessable', () => {
    const a = makeNonce();
    assert.notEqual(a, makeNonce());
    assert.match(a, /^[A-Za-z0-9]{20,}$/);
});

test('preview answers: {html}, an HTML string, or text (escaped)', () => {
    assert.equal(previewHtml({ html: '<p>x</p>' }, 't'), '<p>x</p>');
    assert.equal(previewHtml('<!DOCTYPE html><p>', 't'), '<!DOCTYPE html><p>');
    const text = previewHtml('# Rules\n\n- <script>alert(1)</script>', 'a.drv') ?? '';
    assert.match(text, /<h1>Rules<\/h1>/);
    assert.doesNotMatch(text, /<script>/);
    assert.equal(previewHtml(42, 't'), undefined);
    assert.match(textPage('x', 'plain'), /<pre>plain<\/pre>/);
});

test('reveal messages: {type: reveal, uri, range} and the preview page\'s place; anything else is ignored', () => {
    const range = { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } };
    assert.deepEqual(revealTarget({ type: 'reveal', uri: 'file:///a.system', range }), { uri: 'file:///a.system', range });
    assert.deepEqual(revealTarget({ type: 'reveal', range: { start: { line: 1, character: 0 } } }),
        { uri: undefined, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } } });
    assert.deepEqual(revealTarget({ type: 'drvls.reveal', key: 'pd:a', place: { path: '/w/a.system', line: 2, character: 1 } }),
        { path: '/w/a.system', range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } } });
    for (const bad of [null, 'reveal', { type: 'other' }, { type: 'reveal', range: { start: { line: -1, character: 0 } } },
        { type: 'drvls.reveal', place: null }, { type: 'reveal', range: { start: { line: 1.5, character: 0 } } }]) {
        assert.equal(revealTarget(bad), undefined);
    }
});
