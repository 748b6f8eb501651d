// The registry of scorer, report and provider kinds that the commands pass to loadSpec, for tests
// that check specs the same way.

export { checkKinds as kinds } from "../src/app/kinds.js";
