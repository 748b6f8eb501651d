// What the tiny model answers, computed by calling node-llama-cpp directly (its own model, context and
// chat), not through the adapter: the reference the adapter's answers are checked against.

import { getLlama, LlamaChat, LlamaLogLevel } from "node-llama-cpp";
import type { ChatMessage } from "../../src/core/plan.js";
import { chatHistory } from "../../src/providers/llamacpp.js";

export interface ReferenceAnswer {
  messages: ChatMessage[];
  text: string;
  tokensIn: number;
  tokensOut: number;
}

export interface ReferenceOptions {
  temperature?: number;
  seed?: number;
  maxTokens?: number;
}

export async function referenceAnswers(path: string, conversations: ChatMessage[][], options: ReferenceOptions = {}): Promise<ReferenceAnswer[]> {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ sequences: 1, contextSize: { max: 512 }, threads: 1 });
  try {
    const answers: ReferenceAnswer[] = [];
    const sequence = context.getSequence();
    for (const messages of conversations) {
      await sequence.clearHistory();
      const before = { in: sequence.tokenMeter.usedInputTokens, out: sequence.tokenMeter.usedOutputTokens };
      const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
      const response = await chat.generateResponse(chatHistory(messages), { ...options });
      answers.push({
        messages,
        text: response.response,
        tokensIn: sequence.tokenMeter.usedInputTokens - before.in,
        tokensOut: sequence.tokenMeter.usedOutputTokens - before.out,
      });
      chat.dispose({ disposeSequence: false });
    }
    return answers;
  } finally {
    await context.dispose();
    await model.dispose();
  }
}
