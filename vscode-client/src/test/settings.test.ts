import assert from 'node:assert/strict';
import { test } from 'node:test';
import manifest from '../../package.json';
import { CLIENT_ONLY, collectServerSettings, declaredKeys, explicitValue, serverKeys, serverSettings, TRUST_RELEVANT } from '../common/settings';

const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string; description?: string; markdownDescription?: string }>;

test('settings → the server section: nested tables, client-only keys and empty values left out', () => {
    assert.deepEqual(serverSettings({
        path: ['/x/drvls'], interpreter: ['/x/python'], 'trace.server': 'verbose',
        debounce: 0, ignore: ['MK031'], select: [], 'microkit.arch': 'x86_64', 'microkit.cores': 4,
        'camkes.importPath': ['include'], 'signing.key': '', docsUrl: undefined,
    }), { debounce: 0, ignore: ['MK031'], microkit: { arch: 'x86_64', cores: 4 }, camkes: { importPath: ['include'] } });
});

test('only values the user set are sent, so defaults never override drvls.toml', () => {
    const set: Record<string, { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }> = {
        debounce: { workspaceValue: 300 },
        'microkit.arch': { globalValue: 'riscv64', workspaceFolderValue: 'x86_64' },
    };
    assert.deepEqual(collectServerSettings(manifest, (key) => set[key] ?? {}), { debounce: 300, microkit: { arch: 'x86_64' } });
});

test('trust-relevant settings are taken from user settings only', () => {
    assert.equal(explicitValue('signing.key', { globalValue: '/home/me/key', workspaceValue: '/ws/evil' }), '/home/me/key');
    assert.equal(explicitValue('camkes.cpp', { workspaceFolderValue: '/ws/evil.sh' }), undefined);
    assert.equal(explicitValue('debounce', { globalValue: 1, workspaceValue: 2 }), 2);
});

test('trust-relevant settings have machine scope; every setting is described', () => {
    for (const key of TRUST_RELEVANT) {
        assert.equal(properties[`drvls.${key}`]?.scope, 'machine', key);
    }
    for (const [key, schema] of Object.entries(properties)) {
        assert.ok(schema.description || schema.markdownDescription, `${key} has no description`);
        if (!TRUST_RELEVANT.has(key.slice('drvls.'.length))) {
            assert.notEqual(schema.scope, 'machine', `${key} need not be machine-scoped`);
        }
    }
    assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
        [...TRUST_RELEVANT].map((key) => `drvls.${key}`).sort());
});

test('the editor settings docs/configuration.md lists are all declared', () => {
    const keys = new Set(declaredKeys(manifest));
    for (const key of ['debounce', 'select', 'ignore', 'exclude', 'maxFileSize', 'microkit.arch', 'microkit.searchPath',
        'camkes.importPath', 'camkes.cppInclude', 'signing.trustedKeys', 'signing.key', 'trace.server']) {
        assert.ok(keys.has(key), key);
    }
    assert.ok(serverKeys(manifest).every((key) => !CLIENT_ONLY.has(key)));
});
