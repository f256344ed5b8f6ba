// Bundles each view (one folder per page, src/VIEW/main.js) into one minified script that the .NET report writer embeds into its self-contained HTML page.
import { build } from "esbuild";

const views = ["relate", "iostat", "trace"];
await Promise.all(views.map((view) => build({
  entryPoints: [`src/${view}/main.js`],
  bundle: true,
  minify: process.env.KASHIKA_WEB_DEBUG !== "1", // readable bundles for profiling
  format: "iife",
  target: "es2020",
  legalComments: "none",
  outfile: `dist/${view}.js`,
  logLevel: "warning",
})));
