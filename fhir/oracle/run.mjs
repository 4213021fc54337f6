// The oracle of Cairn's FHIRPath subset: HL7's engine (the `fhirpath` npm
// package, with its FHIR R4 model) evaluates every case of
// tests/corpus/fhirpath/cases.json against its resource from
// tests/corpus/fhirpath/resources.json.
//
//   node run.mjs MODULES_DIR           check: exit 1 when a committed
//                                      "oracle" result differs from what the
//                                      engine gives now
//   node run.mjs MODULES_DIR --write   rewrite the "oracle" results
//
// MODULES_DIR is the folder whose node_modules holds fhirpath (fhir/oracle.sh
// installs it into target/fhir-oracle). A result is the JSON array the
// engine returns (dates as strings), or {"error": message} when it throws.
// The Rust test tests/it/fhirpath_corpus.rs reads the same file.

import { createRequire } from "node:module";
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [modules, mode] = process.argv.slice(2);
if (!modules || (mode && mode !== "--write")) {
  console.error("usage: node run.mjs MODULES_DIR [--write]");
  process.exit(2);
}
const require = createRequire(join(modules, "package.json"));
const fhirpath = require("fhirpath");
const r4 = require("fhirpath/fhir-context/r4");

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const corpus = join(root, "tests", "corpus", "fhirpath");
const casesPath = join(corpus, "cases.json");
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const resources = JSON.parse(readFileSync(join(corpus, "resources.json"), "utf8"));

function oracle(c) {
  const resource = resources[c.resource];
  if (resource === undefined) {
    throw new Error(`case ${c.id}: no resource ${c.resource} in resources.json`);
  }
  try {
    // A deep copy: the engine must not see what another case did.
    // %resource and %rootResource are the resource, as FHIR defines them
    // for a resource evaluated on its own (the engine leaves them unset).
    const copy = structuredClone(resource);
    const env = { resource: copy, rootResource: copy };
    const result = fhirpath.evaluate(copy, c.expr, env, r4);
    return JSON.parse(JSON.stringify(result));
  } catch (e) {
    return { error: String(e && e.message ? e.message : e).split("\n")[0] };
  }
}

const ids = new Set();
let differ = 0;
for (const c of cases.cases) {
  if (ids.has(c.id)) {
    throw new Error(`case id ${c.id} appears twice`);
  }
  ids.add(c.id);
  const now = oracle(c);
  if (mode === "--write") {
    c.oracle = now;
  } else if (JSON.stringify(now) !== JSON.stringify(c.oracle)) {
    differ += 1;
    console.error(`case ${c.id}: \`${c.expr}\` on ${c.resource}`);
    console.error(`  committed: ${JSON.stringify(c.oracle)}`);
    console.error(`  oracle:    ${JSON.stringify(now)}`);
  }
}

if (mode === "--write") {
  const tmp = `${casesPath}.tmp`;
  writeFileSync(tmp, JSON.stringify(cases, null, 2) + "\n");
  renameSync(tmp, casesPath);
  console.log(`fhirpath oracle: wrote ${cases.cases.length} results to ${casesPath}`);
} else if (differ > 0) {
  console.error(
    `fhirpath oracle: ${differ} of ${cases.cases.length} committed results differ from HL7's engine; ` +
      "run `fhir/oracle.sh --write` and review the diff",
  );
  process.exit(1);
} else {
  console.log(`fhirpath oracle: ${cases.cases.length} committed results agree with HL7's engine`);
}
