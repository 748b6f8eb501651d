export declare const OPENAI_MODEL: string;
/** Milliseconds for `calls` non-streamed chat completions from `concurrency` workers. */
export declare function bareOpenAILoop(baseURL: string, calls: number, concurrency: number): Promise<number>;
