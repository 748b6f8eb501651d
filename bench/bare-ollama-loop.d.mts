export declare const MODEL: string;
/** Milliseconds for `calls` streamed chat calls from `concurrency` workers. */
export declare function bareLoop(url: string, calls: number, concurrency: number): Promise<number>;
