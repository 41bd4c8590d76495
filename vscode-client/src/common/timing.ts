/** Activation time and, per document, the time from opening it to its first diagnostics. */

export class Timings {
    private readonly opened = new Map<string, number>();
    private readonly reported = new Set<string>();
    activationMs: number | undefined;

    constructor(private readonly now: () => number = () => performance.now()) {}

    activated(startedAt: number): number {
        this.activationMs = this.now() - startedAt;
        return this.activationMs;
    }

    didOpen(uri: string): void {
        if (!this.reported.has(uri)) {
            this.opened.set(uri, this.now());
        }
    }

    /** Milliseconds since the document was opened, the first time its diagnostics arrive; else undefined. */
    diagnosticsArrived(uri: string): number | undefined {
        const at = this.opened.get(uri);
        if (at === undefined || this.reported.has(uri)) {
            return undefined;
        }
        this.reported.add(uri);
        this.opened.delete(uri);
        return this.now() - at;
    }

    didClose(uri: string): void {
        this.opened.delete(uri);
        this.reported.delete(uri);
    }
}
