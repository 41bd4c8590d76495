/** Which documents the server gets: the CAmkES and IDL4 languages, `.system` files, and rule sources
 * by file pattern (they keep the `markdown` language, so ordinary Markdown is never taken over). */
import ruleSources from '../../rule-sources.json';

export interface DocumentFilter {
    scheme: string;
    language?: string;
    pattern?: string;
}

/** The patterns the server exports (generated from its rule-source names; see rule-sources.json). */
export const RULE_SOURCE_PATTERNS: readonly string[] = ruleSources.patterns;

export const LANGUAGES = ['camkes', 'idl4'];
export const SYSTEM_PATTERN = '**/*.system';

export function documentSelector(patterns: readonly string[] = RULE_SOURCE_PATTERNS): DocumentFilter[] {
    return [
        ...LANGUAGES.map((language) => ({ scheme: 'file', language })),
        { scheme: 'file', pattern: SYSTEM_PATTERN },
        ...patterns.map((pattern) => ({ scheme: 'file', pattern })),
    ];
}

/** A glob as VS Code reads it (`**`, `*`, `?`, `{a,b}`) as a regular expression over `/` paths. */
export function globToRegExp(glob: string): RegExp {
    let out = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (glob.startsWith('**/', i)) {
            out += '(?:.*/)?';
            i += 2;
        } else if (glob.startsWith('**', i)) {
            out += '.*';
            i += 1;
        } else if (c === '*') {
            out += '[^/]*';
        } else if (c === '?') {
            out += '[^/]';
        } else if (c === '{') {
            out += '(?:';
        } else if (c === '}') {
            out += ')';
        } else if (c === ',') {
            out += '|';
        } else {
            out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
        }
    }
    return new RegExp(`^${out}$`);
}

export function isRuleSource(path: string, patterns: readonly string[] = RULE_SOURCE_PATTERNS): boolean {
    const normal = path.replace(/\\/g, '/');
    return patterns.some((pattern) => globToRegExp(pattern).test(normal));
}
