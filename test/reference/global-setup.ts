// Runs once before the reference suite: without its data folder the suite stops here with one message
// saying which folder it looked for, instead of every file failing on its own.
import { referenceFile } from "./data.js";

export default function setup(): void {
  for (const file of ["Risk_cases.json", "Schwartz_cases.json", "Schwartz_scores.json", "MFT_scores.json", "Risk_scores.json", "value_sim_heatmap.json"]) {
    referenceFile(file);
  }
}
