import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Removes the throwaway data folders (database and images) the config made under the temp dir. */
export default function globalTeardown(): void {
  for (const dir of [process.env.E2E_DATA_DIR, process.env.E2E_GUARDED_DATA_DIR, process.env.E2E_AUDIT_DATA_DIR]) {
    if (dir && path.resolve(dir).startsWith(path.resolve(os.tmpdir()) + path.sep) && path.basename(dir).startsWith("rig-e2e-")) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
