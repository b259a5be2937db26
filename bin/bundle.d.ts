/** Types of bin/bundle.js (plain JavaScript: it runs before tsx is registered). */
export declare const BUNDLE_ENTRY: string;
export declare function newestModification(dir: string): number;
export declare function freshBundle(root: string, env?: Record<string, string | undefined>): string | null;
