import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashPolicy } from '../common/restart';

test('a crashing server is restarted a few times, then left stopped', () => {
    let now = 0;
    const policy = new CrashPolicy(3, 60000, () => now);
    assert.deepEqual([policy.onCrash(), policy.onCrash(), policy.onCrash()], ['restart', 'restart', 'restart']);
    now += 1000;
    assert.equal(policy.onCrash(), 'give-up');
    assert.match(policy.message(), /crashed 4 times in 1 minutes/);
});

test('crashes older than the window are forgotten', () => {
    let now = 0;
    const policy = new CrashPolicy(2, 60000, () => now);
    policy.onCrash();
    policy.onCrash();
    now = 61000;
    assert.equal(policy.onCrash(), 'restart');
});

test('a deliberate restart starts the count again', () => {
    const policy = new CrashPolicy(1, 60000, () => 0);
    policy.onCrash();
    assert.equal(policy.onCrash(), 'give-up');
    policy.reset();
    assert.equal(policy.onCrash(), 'restart');
});
