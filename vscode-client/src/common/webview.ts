/** Webview pages with a strict Content-Security-Policy: nothing but this page's own nonce-marked
 * scripts and styles, and images or fonts from the extension's webview origin (no network). */
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
    return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
    return [
        "default-src 'none'",
        `img-src ${cspSource} data:`,
        `font-src ${cspSource}`,
        `style-src ${cspSource} 'nonce-${nonce}'`,
        `script-src 'nonce-${nonce}'`,
        "connect-src 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
    ].join('; ');
}

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSP_META = /<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi;
const SCRIPT_OR_STYLE = /<(script|style)\b([^>]*)>/gi;

/** The page with any CSP it brought replaced by ours and its inline scripts and styles given our nonce. */
export function secureHtml(html: string, cspSource: string, nonce: string): string {
    const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(cspSource, nonce)}">`;
    let page = html.replace(CSP_META, '');
    page = page.replace(SCRIPT_OR_STYLE, (_m, tag: string, attrs: string) =>
        `<${tag}${attrs.replace(/\snonce\s*=\s*("[^"]*"|'[^']*'|\S+)/gi, '')} nonce="${nonce}">`);
    if (/<head\b[^>]*>/i.test(page)) {
        return page.replace(/<head\b[^>]*>/i, (head) => `${head}${meta}`);
    }
    return `<!DOCTYPE html><html><head>${meta}</head><body>${page}</body></html>`;
}

/** A text page (the server's Markdown preview of a `.drv`), rendered as plain, escaped text blocks. */
export function textPage(title: string, text: string): string {
    const blocks = text.split(/\n(?=#{1,6} )/).map((block) => {
        const [first, ...rest] = block.split('\n');
        const heading = /^(#{1,6}) (.*)$/.exec(first);
        if (!heading) {
            return `<pre>${escapeHtml(block)}</pre>`;
        }
        const level = heading[1].length;
        const body = rest.join('\n').trim();
        return `<h${level}>${escapeHtml(heading[2])}</h${level}>${body ? `<pre>${escapeHtml(body)}</pre>` : ''}`;
    });
    return `<!DOCTYPE html><html><head><title>${escapeHtml(title)}</title><style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
pre { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
h1, h2, h3 { border-bottom: 1px solid var(--vscode-panel-border); }
</style></head><body class="drvls-preview">${blocks.join('\n')}</body></html>`;
}

/** The server's answer to a preview request: `{html}` or a string (HTML, else shown as text). */
export function previewHtml(result: unknown, title: string): string | undefined {
    const html = typeof result === 'object' && result !== null ? (result as { html?: unknown }).html : result;
    if (typeof html !== 'string') {
        return undefined;
    }
    return /^\s*</.test(html) ? html : textPage(title, html);
}

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** Where a clicked node is defined: `uri` (undefined = the previewed document) and a range. */
export interface RevealTarget {
    uri?: string;
    path?: string;
    range: Range;
}

function isPosition(value: unknown): value is Position {
    const p = value as Position;
    return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character) &&
        p.line >= 0 && p.character >= 0;
}

/** A message the page posted, when it asks to reveal a definition: `{type: "reveal", uri, range}`,
 * or `{type: "drvls.reveal", place: {path, line, character}}`. Anything else is ignored. */
export function revealTarget(message: unknown): RevealTarget | undefined {
    if (typeof message !== 'object' || message === null) {
        return undefined;
    }
    const m = message as { type?: unknown; uri?: unknown; range?: { start?: unknown; end?: unknown }; place?: unknown };
    if (m.type === 'reveal' && m.range && isPosition(m.range.start)) {
        const end = isPosition(m.range.end) ? m.range.end : m.range.start;
        return { uri: typeof m.uri === 'string' ? m.uri : undefined, range: { start: m.range.start, end } };
    }
    if (m.type === 'drvls.reveal' && isPosition(m.place)) {
        const place = m.place as Position & { path?: unknown };
        const at = { line: place.line, character: place.character };
        return { path: typeof place.path === 'string' ? place.path : undefined, range: { start: at, end: at } };
    }
    return undefined;
}
