// Type-checks the views (tsc, strict: web/tsconfig.json), then bundles each view (one folder per page, src/VIEW/main.ts)
// into one minified script that the .NET report writer embeds into its self-contained HTML page.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const tsc = fileURLToPath(new URL("node_modules/typescript/bin/tsc", import.meta.url));
try {
  execFileSync(process.execPath, [tsc, "-p", fileURLToPath(new URL(".", import.meta.url))], { stdio: "inherit" });
} catch {
  console.error("web: the views do not type-check (tsc above)");
  process.exit(1);
}

const views = ["relate", "iostat", "trace", "ecosystem"];
await Promise.all(views.map((view) => build({
  entryPoints: [`src/${view}/main.ts`],
  bundle: true,
  minify: process.env.KASHIKA_WEB_DEBUG !== "1", // readable bundles for profiling
  format: "iife",
  target: "es2020",
  legalComments: "none",
  outfile: `dist/${view}.js`,
  logLevel: "warning",
})));
