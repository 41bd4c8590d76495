/** Creates the LanguageClient for `drvls serve`: selector, settings, crash policy, timings. */
import * as vscode from 'vscode';
import {
    CloseAction,
    ErrorAction,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
} from 'vscode-languageclient/node';
import { outputChannel, info } from './log';
import { ServerCommand } from './python';
import { CrashPolicy } from './restart';
import { documentSelector } from './ruleSources';
import { Timings } from './timing';

export interface ClientParts {
    command: ServerCommand;
    policy: CrashPolicy;
    timings: Timings;
    /** The server's `drvls` section for a document (or the workspace when undefined). */
    settings: (scopeUri?: string) => Record<string, unknown>;
    /** The environment for the server process. */
    env: NodeJS.ProcessEnv;
}

function recordDiagnostics(timings: Timings, uri: vscode.Uri): void {
    const ms = timings.diagnosticsArrived(uri.toString());
    if (ms !== undefined) {
        info(`first diagnostics for ${vscode.workspace.asRelativePath(uri)} after ${ms.toFixed(0)} ms`);
    }
}

export function createClient(parts: ClientParts): LanguageClient {
    const { command, policy, timings, settings } = parts;
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const serverOptions: ServerOptions = { command: command.command, args: command.args, options: { cwd, env: parts.env } };
    const clientOptions: LanguageClientOptions = {
        documentSelector: documentSelector(),
        outputChannel: outputChannel(),
        traceOutputChannel: outputChannel(),
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: { drvls: settings() },
        errorHandler: {
            error: () => ({ action: ErrorAction.Continue, handled: true }),
            closed: () => policy.onCrash() === 'restart'
                ? { action: CloseAction.Restart, handled: true }
                : { action: CloseAction.DoNotRestart, message: policy.message() },
        },
        middleware: {
            workspace: {
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    if (!Array.isArray(answers)) {
                        return answers;
                    }
                    return params.items.map((item, i) =>
                        item.section === 'drvls' || item.section === undefined ? settings(item.scopeUri) : answers[i]);
                },
            },
            didOpen: (document, next) => {
                timings.didOpen(document.uri.toString());
                return next(document);
            },
            didClose: (document, next) => {
                timings.didClose(document.uri.toString());
                return next(document);
            },
            provideDiagnostics: async (document, previousResultId, token, next) => {
                const report = await next(document, previousResultId, token);
                recordDiagnostics(timings, document instanceof vscode.Uri ? document : document.uri);
                return report;
            },
            handleDiagnostics: (uri, diagnostics, next) => {
                recordDiagnostics(timings, uri);
                next(uri, diagnostics);
            },
        },
    };
    return new LanguageClient('drvls', 'drvls', serverOptions, clientOptions);
}
