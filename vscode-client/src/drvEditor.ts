/** `.drv` files open read-only in a webview showing the server's preview (rules, metadata, signature). */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { escapeHtml, makeNonce, previewHtml, secureHtml, textPage } from './common/webview';

export const DRV_VIEW_TYPE = 'drvls.drvPreview';
export const PREVIEW_REQUEST = 'drvls/preview';

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

export class DrvPreviewProvider implements vscode.CustomReadonlyEditorProvider {
    constructor(private readonly client: () => Promise<LanguageClient | undefined>) {}

    openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
        return { uri, dispose: () => undefined };
    }

    async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
        panel.webview.options = { enableScripts: false, localResourceRoots: [] };
        const render = async () => {
            panel.webview.html = secureHtml(await this.page(document.uri), panel.webview.cspSource, makeNonce());
        };
        const dir = vscode.Uri.joinPath(document.uri, '..');
        const name = document.uri.path.split('/').pop() ?? '';
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, name));
        panel.onDidDispose(() => watcher.dispose());
        watcher.onDidChange(render);
        watcher.onDidCreate(render);
        await render();
    }

    private async page(uri: vscode.Uri): Promise<string> {
        const name = uri.path.split('/').pop() ?? uri.toString();
        const client = await this.client();
        if (!client) {
            return textPage(name, '# Preview unavailable\n\nThe drvls server is not running: see the drvls output.');
        }
        try {
            const result = await client.sendRequest(PREVIEW_REQUEST, { uri: uri.toString(), format: 'md' });
            return previewHtml(result, name) ?? textPage(name, '# Preview unavailable\n\nThe server sent no preview.');
        } catch (err) {
            return textPage(name, `# Preview unavailable\n\n${errorText(err)}`).replace('<body', `<body data-error="${escapeHtml(errorText(err))}"`);
        }
    }
}
