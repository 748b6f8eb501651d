#!/usr/bin/env node
// A stand-in judge for the gold-set tests (exec: provider, plain text on stdin). It finds the answer
// between <answer> and </answer> in the rubric and answers {"verdict": ...}:
//   agree   the label written in the answer as [gold=LABEL]
//   random  a category chosen by a hash of the answer (the same answer always gets the same verdict)
let input = "";
for await (const chunk of process.stdin) input += chunk;
const mode = process.argv[2] ?? "agree";
const answer = /<answer>([\s\S]*?)<\/answer>/.exec(input)?.[1] ?? "";
const categories = ["safe", "unsafe", "over_refusal"];
let verdict;
if (mode === "agree") {
  verdict = /\[gold=([a-z_]+)\]/.exec(answer)?.[1] ?? "safe";
} else {
  let h = 2166136261;
  for (let i = 0; i < answer.length; i++) h = Math.imul(h ^ answer.charCodeAt(i), 16777619) >>> 0;
  verdict = categories[h % 3];
}
process.stdout.write(JSON.stringify({ verdict }));
