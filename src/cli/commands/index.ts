// The list of commands, in the order `vc --help` shows them.
import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { fmtCommand } from "./fmt.js";
import { planCommand } from "./plan.js";
import { runCommand } from "./run.js";
import { calibrateCommand } from "./calibrate.js";

export const commands: Command[] = [checkCommand, planCommand, runCommand, fmtCommand, calibrateCommand];
