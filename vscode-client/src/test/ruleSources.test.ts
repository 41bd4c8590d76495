import assert from 'node:assert/strict';
import { test } from 'node:test';
import manifest from '../../package.json';
import { documentSelector, globToRegExp, isRuleSource, RULE_SOURCE_PATTERNS } from '../common/ruleSources';

test('every rule-source pattern the server exports is in the document selector', () => {
    const selected = documentSelector().map((f) => f.pattern).filter(Boolean);
    for (const pattern of RULE_SOURCE_PATTERNS) {
        assert.ok(selected.includes(pattern), pattern);
    }
    assert.ok(RULE_SOURCE_PATTERNS.length > 5);
});

test('the selector names the CAmkES languages and .system files, and never the markdown language', () => {
    const selector = documentSelector([]);
    assert.deepEqual(selector.map((f) => f.language ?? f.pattern), ['camkes', 'idl4', '**/*.system']);
    assert.ok(documentSelector().every((f) => f.language !== 'markdown' && f.scheme === 'file'));
});

test('rule sources are picked by name; ordinary Markdown is not', () => {
    for (const path of ['/w/.cursorrules', '/w/sub/team.cursorrules', '/w/CLAUDE.md', '/w/claude.md',
        '/w/.github/copilot-instructions.md', '/w/.driven/rules.md', '/w/.windsurfrules']) {
        assert.ok(isRuleSource(path), path);
    }
    for (const path of ['/w/README.md', '/w/docs/rules.md', '/w/CLAUDE.md.bak', '/w/notes/cursorrules.txt']) {
        assert.ok(!isRuleSource(path), path);
    }
});

test('globs follow VS Code: ** spans folders, * stays in one', () => {
    assert.ok(globToRegExp('**/*.system').test('a/b/c.system'));
    assert.ok(globToRegExp('**/*.system').test('c.system'));
    assert.ok(!globToRegExp('*.system').test('a/c.system'));
    assert.ok(globToRegExp('**/.cursor/rules/**/*.mdc').test('/w/.cursor/rules/x/y.mdc'));
    assert.ok(globToRegExp('**/{a,b}.md').test('x/b.md'));
});

test('a workspace holding any rule source activates the extension', () => {
    for (const pattern of RULE_SOURCE_PATTERNS) {
        assert.ok(manifest.activationEvents.includes(`workspaceContains:${pattern}`), pattern);
    }
});
