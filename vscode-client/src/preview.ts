/** The interactive system preview of a `.system` / `.camkes` file, in a webview beside the editor.
 * The page comes from the server; it updates as the document changes; clicking a node reveals it. */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { info } from './common/log';
import { makeNonce, previewHtml, revealTarget, secureHtml, textPage } from './common/webview';

/** Tried in order: the general preview request, then the system preview's own. */
const REQUESTS = ['drvls/preview', 'drvls/systemPreview'];
const UPDATE_DELAY_MS = 300;

export async function requestPreviewHtml(client: LanguageClient, uri: vscode.Uri): Promise<string> {
    const name = uri.path.split('/').pop() ?? '';
    let failure: unknown;
    for (const method of REQUESTS) {
        try {
            const html = previewHtml(await client.sendRequest(method, { uri: uri.toString(), format: 'html' }), name);
            if (html !== undefined) {
                return html;
            }
        } catch (err) {
            failure = err;
        }
    }
    const why = failure instanceof Error ? failure.message : 'the server has no system preview';
    return textPage(name, `# Preview unavailable\n\n${why}`);
}

export class SystemPreviews implements vscode.Disposable {
    private readonly panels = new Map<string, { panel: vscode.WebviewPanel; timer?: NodeJS.Timeout }>();
    private readonly subscriptions: vscode.Disposable[] = [];

    constructor(private readonly extensionUri: vscode.Uri, private readonly client: () => Promise<LanguageClient | undefined>) {
        this.subscriptions.push(
            vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document.uri)),
            vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d.uri)),
        );
    }

    async show(uri: vscode.Uri): Promise<void> {
        const key = uri.toString();
        const existing = this.panels.get(key);
        if (existing) {
            existing.panel.reveal(vscode.ViewColumn.Beside, true);
            return;
        }
        const name = uri.path.split('/').pop() ?? key;
        const panel = vscode.window.createWebviewPanel('drvls.systemPreview', `Preview ${name}`,
            { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
            { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] });
        this.panels.set(key, { panel });
        panel.onDidDispose(() => {
            clearTimeout(this.panels.get(key)?.timer);
            this.panels.delete(key);
        });
        panel.webview.onDidReceiveMessage((message) => this.reveal(uri, message));
        await this.render(uri);
    }

    private schedule(uri: vscode.Uri): void {
        const entry = this.panels.get(uri.toString());
        if (!entry) {
            return;
        }
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => void this.render(uri), UPDATE_DELAY_MS);
    }

    private async render(uri: vscode.Uri): Promise<void> {
        const entry = this.panels.get(uri.toString());
        const client = await this.client();
        if (!entry) {
            return;
        }
        const html = client ? await requestPreviewHtml(client, uri) : textPage('drvls', '# The drvls server is not running');
        entry.panel.webview.html = secureHtml(html, entry.panel.webview.cspSource, makeNonce());
    }

    private async reveal(previewed: vscode.Uri, message: unknown): Promise<void> {
        const target = revealTarget(message);
        if (!target) {
            return;
        }
        const uri = target.uri ? vscode.Uri.parse(target.uri) : target.path ? vscode.Uri.file(target.path) : previewed;
        const { start, end } = target.range;
        const range = new vscode.Range(start.line, start.character, end.line, end.character);
        const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
        info(`preview: reveal ${vscode.workspace.asRelativePath(uri)}:${start.line + 1}:${start.character + 1}`);
        await vscode.window.showTextDocument(uri, { selection: range, viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One });
    }

    dispose(): void {
        this.subscriptions.forEach((s) => s.dispose());
        this.panels.forEach(({ panel }) => panel.dispose());
    }
}
