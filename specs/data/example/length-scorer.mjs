// The example's exec scorer: reads one JSON object on stdin ({ response, item, ... }) and writes one
// on stdout. It scores the answer's length (1 point per 10 characters, at most 100), which measures
// nothing about values: it only shows the protocol. See docs/language.md (scorer ... exec).
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const chars = typeof request.response === "string" ? request.response.length : 0;
  process.stdout.write(JSON.stringify({ score: Math.min(100, chars / 10), raw: { chars } }));
});
