import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions, installCommand, judgeProbe, judgeVersion, parseVersion, problemMessage } from '../common/version';

test('versions are read from `drvls --version` and from serverInfo', () => {
    assert.deepEqual(parseVersion('drvls 0.1.0\n'), [0, 1, 0]);
    assert.deepEqual(parseVersion('1.2'), [1, 2, 0]);
    assert.deepEqual(parseVersion('v2.3.4'), [2, 3, 4]);
    assert.equal(parseVersion('no version here'), undefined);
});

test('versions compare numerically, not as text', () => {
    assert.equal(compareVersions([0, 10, 0], [0, 9, 0]), 1);
    assert.equal(compareVersions([1, 0], [1, 0, 0]), 0);
    assert.equal(compareVersions([0, 0, 9], [0, 1, 0]), -1);
});

test('an interpreter without drvls is "missing", with the reason', () => {
    const probe = judgeProbe(1, '', 'Traceback...\n/usr/bin/python3: No module named drvls\n');
    assert.deepEqual(probe, { kind: 'missing', detail: '/usr/bin/python3: No module named drvls' });
    assert.match(problemMessage(probe, '/usr/bin/python3') ?? '', /not installed for \/usr\/bin\/python3/);
});

test('an interpreter that cannot start is "missing"', () => {
    assert.equal(judgeProbe(null, '', 'spawn /nope ENOENT').kind, 'missing');
});

test('an old drvls is "too old"; the minimum and newer are fine', () => {
    assert.deepEqual(judgeProbe(0, 'drvls 0.0.9\n', '', '0.1.0'), { kind: 'too-old', version: '0.0.9', minimum: '0.1.0' });
    assert.deepEqual(judgeProbe(0, 'drvls 0.1.0\n', '', '0.1.0'), { kind: 'ok', version: '0.1.0' });
    assert.equal(judgeVersion('0.2.1', '0.1.0').kind, 'ok');
    assert.match(problemMessage(judgeVersion('0.0.1', '0.1.0'), 'python3') ?? '', /too old: this extension needs 0\.1\.0/);
    assert.equal(problemMessage({ kind: 'ok', version: '1.0.0' }, 'python3'), undefined);
});

test('the install command names the interpreter that will run the server', () => {
    assert.equal(installCommand(['/opt/py 3/bin/python']), '"/opt/py 3/bin/python" -m pip install --upgrade drvls');
    assert.equal(installCommand([]), 'python3 -m pip install --upgrade drvls');
});
