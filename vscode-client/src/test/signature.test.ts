import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProblem, isSignatureState, statusText, statusTooltip } from '../common/signature';

test('the status bar says the signature state in words', () => {
    assert.equal(statusText({ status: 'valid', summary: 'signed by key ab12: valid', keyId: 'ab12' }), '$(verified-filled) drvls: valid (ab12)');
    assert.equal(statusText({ status: 'missing', summary: 'unsigned' }), '$(unverified) drvls: unsigned');
    assert.equal(statusText({ status: 'stale', summary: 'edited since signing', keyId: null }), '$(error) drvls: stale');
    assert.match(statusText({ status: 'novel', summary: '?' }), /^\$\(question\)/);
});

test('only bad signatures are problems; unsigned files offer signing when a key is set', () => {
    assert.ok(isProblem({ status: 'untrusted', summary: '' }));
    assert.ok(!isProblem({ status: 'missing', summary: '' }));
    assert.ok(!isProblem({ status: 'valid', summary: '' }));
    assert.match(statusTooltip({ status: 'missing', summary: 'unsigned', canSign: true }), /Click to sign/);
    assert.doesNotMatch(statusTooltip({ status: 'missing', summary: 'unsigned', canSign: false }), /sign it/);
});

test('the server answer is checked before use', () => {
    assert.ok(isSignatureState({ status: 'valid', summary: 'x' }));
    assert.ok(!isSignatureState({ status: 1 }));
    assert.ok(!isSignatureState(null));
});
