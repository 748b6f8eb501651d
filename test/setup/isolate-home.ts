// Every test file runs with HOME and XDG_CACHE_HOME in a fresh temporary folder, so a test that
// forgets to pass its own cache folder writes there, never into the user's real cache or home.
import { mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

// npm (run by the package test) keeps using the user's own npm cache, as it would outside the tests.
process.env["npm_config_cache"] ??= join(homedir(), ".npm");
const home = mkdtempSync(join(tmpdir(), "vc-test-home-"));
process.env["HOME"] = home;
process.env["XDG_CACHE_HOME"] = join(home, ".cache");
