// The list of commands, in the order `vc --help` shows them.
import type { Command } from "../command.js";

export const commands: Command[] = [];
