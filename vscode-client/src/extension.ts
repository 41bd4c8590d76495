/** Activation: start `drvls serve`, register the commands, the `.drv` editor, the system preview
 * and the signature status bar item. All analysis happens in the server. */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { PythonExtension } from '@vscode/python-extension';
import { LanguageClient } from 'vscode-languageclient/node';
import manifest from '../package.json';
import { error, info, outputChannel, warn } from './common/log';
import { activeEnvironmentExecutable, describeCommand, resolveServerCommand, ServerCommand } from './common/python';
import { CrashPolicy } from './common/restart';
import { isRuleSource } from './common/ruleSources';
import { createClient } from './common/server';
import { collectServerSettings, RESTART_KEYS } from './common/settings';
import { Timings } from './common/timing';
import { installCommand, judgeProbe, judgeVersion, Probe, problemMessage } from './common/version';
import { DRV_VIEW_TYPE, DrvPreviewProvider } from './drvEditor';
import { SystemPreviews } from './preview';
import { SignatureStatus } from './signatureStatus';

const PYTHON_EXTENSION = 'ms-python.python';
const RESTART_DELAY_MS = 1000;

let client: LanguageClient | undefined;
let command: ServerCommand | undefined;
let starting: Promise<void> | undefined;
let problemShown = false;
const policy = new CrashPolicy();
const timings = new Timings();

function serverSettings(scopeUri?: string): Record<string, unknown> {
    const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
    const config = vscode.workspace.getConfiguration('drvls', scope);
    return collectServerSettings(manifest, (key) => config.inspect(key));
}

function userSetting(key: string): string[] {
    const value = vscode.workspace.getConfiguration('drvls').inspect<string[]>(key)?.globalValue;
    return Array.isArray(value) ? value.map(String) : [];
}

async function pythonEnvironments(): Promise<PythonExtension['environments'] | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtension>(PYTHON_EXTENSION);
    if (!extension) {
        return undefined;
    }
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments;
}

function probe(cmd: ServerCommand): Promise<Probe> {
    const interpreter = cmd.interpreter ?? [cmd.command];
    return new Promise((resolve) => {
        execFile(interpreter[0], [...interpreter.slice(1), '-m', 'drvls', '--version'], { timeout: 30000 },
            (err, stdout, stderr) => {
                const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
                resolve(judgeProbe(code, String(stdout), err && code === null ? err.message : String(stderr)));
            });
    });
}

async function notifyProblem(message: string, cmd: ServerCommand): Promise<void> {
    if (problemShown) {
        return; // one notification per session; the output keeps the details
    }
    problemShown = true;
    const setting = cmd.source === 'path' ? 'drvls.path' : 'drvls.interpreter';
    const choice = await vscode.window.showErrorMessage(message, 'Open setting', 'Show install command');
    if (choice === 'Open setting') {
        await vscode.commands.executeCommand('workbench.action.openSettings', setting);
    } else if (choice === 'Show install command') {
        const install = installCommand(cmd.interpreter ?? ['python3']);
        const copy = await vscode.window.showInformationMessage(`Install drvls with: ${install}`, 'Copy');
        if (copy) {
            await vscode.env.clipboard.writeText(install);
        }
    }
}

async function start(): Promise<void> {
    const trusted = vscode.workspace.isTrusted;
    const cmd = await resolveServerCommand({
        path: userSetting('path'),
        interpreter: userSetting('interpreter'),
        trusted,
        activeInterpreter: async () => activeEnvironmentExecutable(await pythonEnvironments(), vscode.workspace.workspaceFolders?.[0]?.uri),
    });
    command = cmd;
    info(`starting ${describeCommand(cmd)} (from ${cmd.source}${trusted ? '' : ', Restricted Mode'})`);
    const where = cmd.interpreter ? describeCommand({ ...cmd, args: [] }) : describeCommand(cmd);
    if (cmd.interpreter) {
        const found = await probe(cmd);
        const problem = problemMessage(found, where);
        if (problem) {
            error(problem);
            void notifyProblem(problem, cmd);
            return;
        }
    }
    const next = createClientFor(cmd);
    try {
        await next.start();
    } catch (err) {
        const message = `drvls: could not start ${where}: ${err instanceof Error ? err.message : String(err)}`;
        error(message);
        void notifyProblem(message, cmd);
        return;
    }
    client = next;
    const version = next.initializeResult?.serverInfo?.version ?? '';
    const judged = judgeVersion(version);
    const problem = judged.kind === 'ok' ? undefined : problemMessage(judged, where);
    if (problem) {
        error(problem);
        void notifyProblem(problem, cmd);
    }
    info(`server drvls ${version} running`);
}

function createClientFor(cmd: ServerCommand): LanguageClient {
    return createClient({ command: cmd, policy, timings, settings: serverSettings, env: { ...process.env } });
}

async function stop(): Promise<void> {
    const old = client;
    client = undefined;
    if (old) {
        await old.stop().catch((err: unknown) => warn(`stopping the server: ${String(err)}`));
    }
}

function restart(): Promise<void> {
    policy.reset();
    starting = (starting ?? Promise.resolve()).then(async () => {
        await stop();
        await start();
    });
    return starting;
}

async function runningClient(): Promise<LanguageClient | undefined> {
    await starting;
    return client;
}

function applies(uri: vscode.Uri): boolean {
    return /\.(system|camkes|idl4|drv)$/i.test(uri.path) || isRuleSource(uri.path);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const startedAt = performance.now();
    context.subscriptions.push(outputChannel());
    const status = new SignatureStatus(() => client, applies);
    const previews = new SystemPreviews(context.extensionUri, runningClient);
    let pending: NodeJS.Timeout | undefined;
    context.subscriptions.push(
        status,
        previews,
        vscode.commands.registerCommand('drvls.restart', restart),
        vscode.commands.registerCommand('drvls.showOutput', () => outputChannel().show()),
        vscode.commands.registerCommand('drvls.showServerVersion', async () => {
            const running = await runningClient();
            const version = running?.initializeResult?.serverInfo?.version;
            const how = command ? describeCommand(command) : 'no server command';
            void vscode.window.showInformationMessage(version ? `drvls ${version} (${how})` : `drvls is not running (${how})`);
        }),
        vscode.commands.registerCommand('drvls.sign', () => status.sign()),
        vscode.commands.registerCommand('drvls.verify', () => status.verify()),
        vscode.commands.registerCommand('drvls.showPreview', (uri?: vscode.Uri) => {
            const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
            return target ? previews.show(target) : undefined;
        }),
        vscode.window.registerCustomEditorProvider(DRV_VIEW_TYPE, new DrvPreviewProvider(runningClient),
            { supportsMultipleEditorsPerDocument: true }),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (RESTART_KEYS.some((key) => e.affectsConfiguration(key))) {
                clearTimeout(pending);
                pending = setTimeout(() => void restart(), RESTART_DELAY_MS);
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
        { dispose: () => clearTimeout(pending) },
    );
    const python = vscode.extensions.getExtension<PythonExtension>(PYTHON_EXTENSION);
    if (python) {
        void pythonEnvironments().then((envs) => envs && context.subscriptions.push(
            envs.onDidChangeActiveEnvironmentPath(() => {
                if (userSetting('path').length === 0 && userSetting('interpreter').length === 0) {
                    void restart();
                }
            })));
    }
    await restart();
    info(`activation took ${timings.activated(startedAt).toFixed(0)} ms`);
    void status.update();
}

export function deactivate(): Promise<void> {
    return stop();
}
