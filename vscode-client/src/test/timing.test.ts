import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Timings } from '../common/timing';

test('time to first diagnostics is reported once per opened document', () => {
    let now = 100;
    const timings = new Timings(() => now);
    timings.didOpen('file:///a.system');
    now = 350;
    assert.equal(timings.diagnosticsArrived('file:///a.system'), 250);
    now = 400;
    assert.equal(timings.diagnosticsArrived('file:///a.system'), undefined);
    assert.equal(timings.diagnosticsArrived('file:///never-opened.system'), undefined);
    timings.didClose('file:///a.system');
    timings.didOpen('file:///a.system');
    now = 410;
    assert.equal(timings.diagnosticsArrived('file:///a.system'), 10);
});

test('activation time is measured from the start of activate()', () => {
    const timings = new Timings(() => 1234);
    assert.equal(timings.activated(1000), 234);
    assert.equal(timings.activationMs, 234);
});
