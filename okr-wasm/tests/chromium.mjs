// Headless Chromium for the widget's tests and benchmark (tests/browser.test.mjs,
// tests/package.test.mjs, benches/widget/bench.mjs): Debian's /usr/bin/chromium (or the
// binary CHROMIUM names), driven by the playwright-core of okr-wasm/node_modules. Not a
// test file itself (`node --test tests/` runs only `*.test.mjs`).

import { chromium } from "playwright-core";

/** The Chromium binary: `$CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Flags of every launch: no sandbox (containers, root), and nothing done in the background. */
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Launches headless Chromium; `extraArgs` are added to the common flags. */
export function launch(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}
