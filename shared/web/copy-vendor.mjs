// Copies only the files the monitor pages load out of node_modules into vendor/, which the
// reporting and signals services serve at /monitor/vendor/ and /signalen/vendor/
// (shared/platform/web_assets.py).
// Runs as npm's postinstall, so `npm ci` (make bootstrap, the Dockerfile) leaves vendor/
// complete. axe-core is a dev dependency for the browser tests and is not served.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "vendor");

// served name -> file inside node_modules
export const FILES = {
  "utrecht-component-library.css": "@utrecht/component-library-css/dist/index.css",
  "voorbeeld-theme.css": "@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css",
  "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
  "LICENSE-utrecht-component-library-css.md": "@utrecht/component-library-css/LICENSE.md",
  "LICENSE-chart.js.md": "chart.js/LICENSE.md",
  "LICENSE-voorbeeld-design-tokens.md": "@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md",
};

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const [name, source] of Object.entries(FILES)) {
  copyFileSync(join(modules, source), join(vendor, name));
}
console.log(`copy-vendor: ${Object.keys(FILES).length} files into ${vendor}`);
