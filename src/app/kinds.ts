// Every scorer, report and provider kind, for the checker: the kinds live in the layers that run them,
// above the checker, so the commands hand this registry to loadSpec (LoadOptions.kinds).

import type { CheckKinds } from "../check/kinds.js";
import { PROVIDER_KINDS } from "../providers/kinds/index.js";
import { BUILTIN_TABLES } from "../report/builtin-tables.js";
import { REPORT_KINDS } from "../report/kinds/index.js";
import { SCORER_KINDS } from "../score/kinds/index.js";

export const checkKinds: CheckKinds = {
  scorers: SCORER_KINDS,
  reports: REPORT_KINDS,
  providers: PROVIDER_KINDS,
  builtinTables: BUILTIN_TABLES,
};
