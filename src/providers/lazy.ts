// Defers loading an adapter (and its client library: openai, ollama, execa) until the first call.
// Every `vc` command starts faster, and a run only pays for the clients its models use.

import type { ChatRequest, ChatResult, PrepareOptions, PrepareResult, Provider, ProviderKind } from "./types.js";

export class LazyProvider implements Provider {
  private real: Promise<Provider> | null = null;

  constructor(
    readonly kind: ProviderKind,
    readonly id: string,
    private readonly load: () => Promise<Provider>,
  ) {}

  /** The adapter itself, loaded on first use. */
  adapter(): Promise<Provider> {
    return this.get();
  }

  private get(): Promise<Provider> {
    this.real ??= this.load();
    return this.real;
  }

  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    return (await this.get()).prepare(options);
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    return (await this.get()).chat(request);
  }

  async close(): Promise<void> {
    if (this.real) await (await this.real).close();
  }
}
