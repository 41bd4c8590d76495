/** The status bar item with the active file's signature state, and the sign / verify commands. */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { warn } from './common/log';
import { isProblem, isSignatureState, SIGN_COMMAND, SignatureState, STATE_COMMAND, statusText, statusTooltip } from './common/signature';

/** The file the user is looking at: a text editor's document or a custom editor's (a `.drv`). */
export function activeFileUri(): vscode.Uri | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
    const chosen = uri ?? vscode.window.activeTextEditor?.document.uri;
    return chosen?.scheme === 'file' ? chosen : undefined;
}

export class SignatureStatus implements vscode.Disposable {
    readonly item = vscode.window.createStatusBarItem('drvls.signature', vscode.StatusBarAlignment.Right, 100);
    private readonly subscriptions: vscode.Disposable[] = [];
    private generation = 0;

    constructor(private readonly client: () => LanguageClient | undefined, private readonly applies: (uri: vscode.Uri) => boolean) {
        this.item.name = 'drvls signature';
        this.subscriptions.push(
            vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
            vscode.window.tabGroups.onDidChangeTabs(() => void this.update()),
            vscode.workspace.onDidSaveTextDocument(() => void this.update()),
        );
    }

    async state(uri: vscode.Uri): Promise<SignatureState | undefined> {
        const client = this.client();
        if (!client?.isRunning()) {
            return undefined;
        }
        const result = await client.sendRequest(ExecuteCommandRequest.type, { command: STATE_COMMAND, arguments: [uri.toString()] });
        return isSignatureState(result) ? result : undefined;
    }

    async update(): Promise<void> {
        const generation = ++this.generation;
        const uri = activeFileUri();
        if (!uri || !this.applies(uri)) {
            this.item.hide();
            return;
        }
        let state: SignatureState | undefined;
        try {
            state = await this.state(uri);
        } catch (err) {
            warn(`signature state of ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (generation !== this.generation) {
            return; // the user moved on meanwhile
        }
        if (!state) {
            this.item.hide();
            return;
        }
        this.item.text = statusText(state);
        this.item.tooltip = statusTooltip(state);
        this.item.command = state.status === 'missing' && state.canSign ? 'drvls.sign' : 'drvls.verify';
        this.item.backgroundColor = isProblem(state) ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
        this.item.show();
    }

    async sign(): Promise<void> {
        const uri = activeFileUri();
        const client = this.client();
        if (!uri || !client?.isRunning()) {
            void vscode.window.showWarningMessage('drvls: open a saved file to sign, with the server running.');
            return;
        }
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc?.isDirty && !(await doc.save())) {
            return;
        }
        try {
            // The server reports the outcome itself (window/showMessage).
            await client.sendRequest(ExecuteCommandRequest.type, { command: SIGN_COMMAND, arguments: [uri.toString()] });
        } catch {
            // already shown by the server
        }
        await this.update();
    }

    async verify(): Promise<void> {
        const uri = activeFileUri();
        const state = uri ? await this.state(uri).catch(() => undefined) : undefined;
        if (!uri || !state) {
            void vscode.window.showWarningMessage('drvls: no signature state for this file (is the server running?).');
            return;
        }
        const name = uri.path.split('/').pop();
        const text = state.status === 'missing' ? `drvls: ${name} is not signed.` : `drvls: ${name}: ${state.summary}`;
        if (state.status === 'valid') {
            void vscode.window.showInformationMessage(text);
        } else {
            void vscode.window.showWarningMessage(text);
        }
        await this.update();
    }

    dispose(): void {
        this.subscriptions.forEach((s) => s.dispose());
        this.item.dispose();
    }
}
