import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PythonExtension } from '@vscode/python-extension';
import { activeEnvironmentExecutable, describeCommand, PythonEnvironments, resolveServerCommand } from '../common/python';

type ResolvedEnvironment = Awaited<ReturnType<PythonExtension['environments']['resolveEnvironment']>>;

/** The Python extension's environments API, answering with one interpreter (typed against its package). */
function environments(executable: string | undefined): PythonEnvironments & { asked: unknown[] } {
    const asked: unknown[] = [];
    return {
        asked,
        getActiveEnvironmentPath: (resource) => {
            asked.push(resource);
            return { id: 'venv', path: executable ?? '' };
        },
        resolveEnvironment: async (env) => (executable === undefined ? undefined : ({
            id: typeof env === 'string' ? env : env.id,
            path: executable,
            executable: { uri: { fsPath: executable } },
        } as unknown as ResolvedEnvironment)),
    };
}

test('drvls.path is the whole command and wins over everything', async () => {
    const cmd = await resolveServerCommand({
        path: ['/opt/drvls/bin/drvls', 'serve', '--stdio'], interpreter: ['/usr/bin/python3.12'], trusted: true,
        activeInterpreter: async () => '/ws/.venv/bin/python',
    });
    assert.deepEqual(cmd, { command: '/opt/drvls/bin/drvls', args: ['serve', '--stdio'], source: 'path' });
});

test('drvls.interpreter runs `-m drvls serve` with its own leading arguments', async () => {
    const cmd = await resolveServerCommand({ path: [], interpreter: ['/usr/bin/python3', '-I'], trusted: true });
    assert.equal(cmd.command, '/usr/bin/python3');
    assert.deepEqual(cmd.args, ['-I', '-m', 'drvls', 'serve']);
    assert.equal(cmd.source, 'interpreter');
    assert.deepEqual(cmd.interpreter, ['/usr/bin/python3', '-I']);
});

test('blank entries do not count as a setting', async () => {
    const cmd = await resolveServerCommand({ path: ['  '], interpreter: [''], trusted: true });
    assert.equal(cmd.source, 'default');
});

test("the Python extension's active environment comes next", async () => {
    const envs = environments('/ws/.venv/bin/python');
    const cmd = await resolveServerCommand({
        path: [], interpreter: [], trusted: true,
        activeInterpreter: () => activeEnvironmentExecutable(envs, undefined),
    });
    assert.deepEqual([cmd.command, ...cmd.args], ['/ws/.venv/bin/python', '-m', 'drvls', 'serve']);
    assert.equal(cmd.source, 'python-extension');
    assert.equal(envs.asked.length, 1);
});

test('without the Python extension, or when it has no environment, python3 on PATH', async () => {
    assert.equal(await activeEnvironmentExecutable(undefined, undefined), undefined);
    const none = environments(undefined);
    const cmd = await resolveServerCommand({
        path: [], interpreter: [], trusted: true, activeInterpreter: () => activeEnvironmentExecutable(none, undefined),
    });
    assert.deepEqual([cmd.command, ...cmd.args], ['python3', '-m', 'drvls', 'serve']);
    assert.equal(cmd.source, 'default');
});

test('a failing Python extension falls back to python3', async () => {
    const cmd = await resolveServerCommand({
        path: [], interpreter: [], trusted: true, activeInterpreter: async () => { throw new Error('not ready'); },
    });
    assert.equal(cmd.source, 'default');
});

test('in Restricted Mode the workspace-chosen environment is not run', async () => {
    let asked = false;
    const cmd = await resolveServerCommand({
        path: [], interpreter: [], trusted: false,
        activeInterpreter: async () => { asked = true; return '/ws/.venv/bin/python'; },
    });
    assert.equal(asked, false);
    assert.equal(cmd.command, 'python3');
});

test('commands are shown quoted where they contain spaces', () => {
    assert.equal(describeCommand({ command: '/opt/my tools/python', args: ['-m', 'drvls', 'serve'], source: 'interpreter' }),
        '"/opt/my tools/python" -m drvls serve');
});
