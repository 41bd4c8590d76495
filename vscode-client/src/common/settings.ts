/** Editor settings → the server's `drvls` section (the shape of drvls.toml).
 *
 * Only values the user actually set are sent: the defaults in the manifest are for display, and
 * sending them would override the project's drvls.toml. Client-only keys never reach the server. */

/** Settings the extension itself uses; the server has no such keys. */
export const CLIENT_ONLY = new Set(['path', 'interpreter', 'trace.server']);

/** Settings that choose what runs or what is trusted: read from user settings only. */
export const TRUST_RELEVANT = new Set([
    'path', 'interpreter', 'camkes.cpp', 'signing.trustedKeys', 'signing.key', 'signing.userTrustStore',
]);

export interface Manifest {
    contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } };
}

/** Every setting key under `drvls.` the manifest declares (without the prefix). */
export function declaredKeys(manifest: Manifest): string[] {
    return Object.keys(manifest.contributes.configuration.properties)
        .filter((key) => key.startsWith('drvls.'))
        .map((key) => key.slice('drvls.'.length));
}

export function serverKeys(manifest: Manifest): string[] {
    return declaredKeys(manifest).filter((key) => !CLIENT_ONLY.has(key));
}

/** The values a user set, by the levels VS Code's `inspect()` reports. */
export interface Inspected {
    globalValue?: unknown;
    workspaceValue?: unknown;
    workspaceFolderValue?: unknown;
}

/** The effective explicitly-set value; trust-relevant keys come from user settings alone. */
export function explicitValue(key: string, inspected: Inspected | undefined): unknown {
    if (!inspected) {
        return undefined;
    }
    if (TRUST_RELEVANT.has(key)) {
        return inspected.globalValue;
    }
    return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}

function isEmpty(value: unknown): boolean {
    return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** `{ "microkit.arch": "x86_64", debounce: 0 }` → `{ microkit: { arch: "x86_64" }, debounce: 0 }`. */
export function serverSettings(values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
        if (CLIENT_ONLY.has(key) || isEmpty(value)) {
            continue;
        }
        const parts = key.split('.');
        let table = out;
        for (const part of parts.slice(0, -1)) {
            const next = table[part];
            table = (typeof next === 'object' && next !== null ? next : (table[part] = {})) as Record<string, unknown>;
        }
        table[parts[parts.length - 1]] = value;
    }
    return out;
}

/** Read the server section with `inspect(key)` for every declared key. */
export function collectServerSettings(manifest: Manifest, inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const key of serverKeys(manifest)) {
        values[key] = explicitValue(key, inspect(key));
    }
    return serverSettings(values);
}

/** Settings whose change means the server must be started again (a different command). */
export const RESTART_KEYS = ['drvls.path', 'drvls.interpreter'];
