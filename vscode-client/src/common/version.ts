/** Is drvls installed in the chosen interpreter, and new enough? Judged from `python -m drvls --version`. */

export const MINIMUM_SERVER_VERSION = '0.1.0';

export type Probe =
    | { kind: 'ok'; version: string }
    | { kind: 'missing'; detail: string }
    | { kind: 'too-old'; version: string; minimum: string };

/** `drvls 0.1.0` (or a bare `0.1.0`, e.g. serverInfo.version) → [0, 1, 0]. */
export function parseVersion(text: string): number[] | undefined {
    const match = /(?:^|\s|drvls\s+)v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
    if (!match) {
        return undefined;
    }
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export function compareVersions(a: number[], b: number[]): number {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const diff = (a[i] ?? 0) - (b[i] ?? 0);
        if (diff !== 0) {
            return diff < 0 ? -1 : 1;
        }
    }
    return 0;
}

export function judgeVersion(text: string, minimum: string = MINIMUM_SERVER_VERSION): Probe {
    const version = parseVersion(text);
    const least = parseVersion(minimum) ?? [0];
    if (!version) {
        return { kind: 'missing', detail: text.trim() || 'no version printed' };
    }
    const shown = version.join('.');
    return compareVersions(version, least) < 0 ? { kind: 'too-old', version: shown, minimum } : { kind: 'ok', version: shown };
}

/** The outcome of running `INTERPRETER -m drvls --version` (exit code null: it could not be started). */
export function judgeProbe(exitCode: number | null, stdout: string, stderr: string, minimum: string = MINIMUM_SERVER_VERSION): Probe {
    if (exitCode !== 0) {
        const detail = stderr.trim().split('\n').pop() || `exit code ${exitCode ?? 'none: could not start'}`;
        return { kind: 'missing', detail };
    }
    return judgeVersion(stdout || stderr, minimum);
}

export function installCommand(interpreter: readonly string[]): string {
    const python = interpreter.length > 0 ? interpreter.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ') : 'python3';
    return `${python} -m pip install --upgrade drvls`;
}

export function problemMessage(probe: Probe, where: string): string | undefined {
    if (probe.kind === 'missing') {
        return `drvls is not installed for ${where} (${probe.detail}).`;
    }
    if (probe.kind === 'too-old') {
        return `drvls ${probe.version} in ${where} is too old: this extension needs ${probe.minimum} or later.`;
    }
    return undefined;
}
