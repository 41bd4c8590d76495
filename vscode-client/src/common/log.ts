/** The one output channel: the extension's own log and, with `drvls.trace.server`, the LSP trace. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function outputChannel(): vscode.LogOutputChannel {
    channel ??= vscode.window.createOutputChannel('drvls', { log: true });
    return channel;
}

export function info(message: string): void {
    outputChannel().info(message);
}

export function warn(message: string): void {
    outputChannel().warn(message);
}

export function error(message: string): void {
    outputChannel().error(message);
}
