/** When the server dies: restart it, but at most `maxRestarts` times within `windowMs`. */

export type CrashDecision = 'restart' | 'give-up';

export class CrashPolicy {
    private crashes: number[] = [];

    constructor(
        readonly maxRestarts = 3,
        readonly windowMs = 3 * 60 * 1000,
        private readonly now: () => number = Date.now,
    ) {}

    onCrash(): CrashDecision {
        const t = this.now();
        this.crashes = this.crashes.filter((at) => t - at < this.windowMs);
        this.crashes.push(t);
        return this.crashes.length <= this.maxRestarts ? 'restart' : 'give-up';
    }

    /** A deliberate restart (the command, a settings change) starts the count again. */
    reset(): void {
        this.crashes = [];
    }

    message(): string {
        const minutes = Math.round(this.windowMs / 60000);
        return `The drvls server crashed ${this.maxRestarts + 1} times in ${minutes} minutes and will not be restarted. ` +
            'See the drvls output, then run "drvls: Restart Server".';
    }
}
