/** The status bar text for a file's signature state, as the server's `drvls.signatureState` reports it. */

export interface SignatureState {
    status: string;
    summary: string;
    keyId?: string | null;
    canSign?: boolean;
}

export const STATE_COMMAND = 'drvls.signatureState';
export const SIGN_COMMAND = 'drvls.signCurrentFile';

const ICONS: Record<string, string> = {
    valid: '$(verified-filled)',
    untrusted: '$(warning)',
    stale: '$(error)',
    invalid: '$(error)',
    'legacy-insecure': '$(error)',
    missing: '$(unverified)',
};

export function isSignatureState(value: unknown): value is SignatureState {
    const s = value as SignatureState;
    return typeof s === 'object' && s !== null && typeof s.status === 'string' && typeof s.summary === 'string';
}

export function statusText(state: SignatureState): string {
    const icon = ICONS[state.status] ?? '$(question)';
    if (state.status === 'missing') {
        return `${icon} drvls: unsigned`;
    }
    return `${icon} drvls: ${state.status}${state.keyId ? ` (${state.keyId})` : ''}`;
}

export function statusTooltip(state: SignatureState): string {
    if (state.status === 'missing') {
        return state.canSign ? 'Not signed. Click to sign it with your drvls.signing.key.' : 'Not signed.';
    }
    return `Signature: ${state.summary}. Click to verify again.`;
}

export function isProblem(state: SignatureState): boolean {
    return state.status !== 'valid' && state.status !== 'missing';
}
