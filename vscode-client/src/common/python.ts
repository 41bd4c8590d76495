/** Which command starts the server: `drvls.path`, else `drvls.interpreter`, else the Python
 * extension's active environment, else `python3` on PATH. Pure: the caller passes what it read. */
import type { PythonExtension, Resource } from '@vscode/python-extension';

export type CommandSource = 'path' | 'interpreter' | 'python-extension' | 'default';

export interface ServerCommand {
    command: string;
    args: string[];
    source: CommandSource;
    /** The interpreter (with its leading arguments) when drvls runs as `python -m drvls`. */
    interpreter?: string[];
}

/** The part of the Python extension's API this extension uses. */
export type PythonEnvironments = Pick<PythonExtension['environments'], 'getActiveEnvironmentPath' | 'resolveEnvironment'>;

export interface CommandInputs {
    /** `drvls.path` from user settings: the whole command. */
    path: readonly string[];
    /** `drvls.interpreter` from user settings. */
    interpreter: readonly string[];
    /** False in Restricted Mode: nothing the workspace chose may be run. */
    trusted: boolean;
    /** Looks up the Python extension's active interpreter; undefined when that extension is absent. */
    activeInterpreter?: () => Promise<string | undefined>;
}

export const DEFAULT_PYTHON = 'python3';
export const SERVE_ARGS = ['-m', 'drvls', 'serve'];

function nonEmpty(list: readonly string[]): string[] {
    return list.map((item) => item.trim()).filter((item) => item.length > 0);
}

function viaInterpreter(interpreter: string[], source: CommandSource): ServerCommand {
    return { command: interpreter[0], args: [...interpreter.slice(1), ...SERVE_ARGS], source, interpreter };
}

export async function resolveServerCommand(inputs: CommandInputs): Promise<ServerCommand> {
    const path = nonEmpty(inputs.path);
    if (path.length > 0) {
        return { command: path[0], args: path.slice(1), source: 'path' };
    }
    const interpreter = nonEmpty(inputs.interpreter);
    if (interpreter.length > 0) {
        return viaInterpreter(interpreter, 'interpreter');
    }
    // The active environment is often a virtualenv inside the workspace: not in Restricted Mode.
    if (inputs.trusted && inputs.activeInterpreter) {
        const active = await inputs.activeInterpreter().catch(() => undefined);
        if (active) {
            return viaInterpreter([active], 'python-extension');
        }
    }
    return viaInterpreter([DEFAULT_PYTHON], 'default');
}

/** The active environment's executable through the Python extension's API, when it has one. */
export async function activeEnvironmentExecutable(
    environments: PythonEnvironments | undefined,
    resource?: Resource,
): Promise<string | undefined> {
    if (!environments) {
        return undefined;
    }
    const env = await environments.resolveEnvironment(environments.getActiveEnvironmentPath(resource));
    return env?.executable.uri?.fsPath;
}

/** How the command is shown to the user (logs, the version command). */
export function describeCommand(cmd: ServerCommand): string {
    return [cmd.command, ...cmd.args].map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ');
}
