// FHIR stage, tests: what extraction made of a realistic patient (a
// Synthea R4 bundle), checked against the bundle itself.
//
// Usage: node validate_synthea.mjs BUNDLE.json EXTRACTED.json LABEL
// - every provenance reference is a resource of the bundle (or `as_of`);
// - every fact has provenance, or a closed world that gave it: absence
//   never became a value silently (a `false` in particular);
// - prints one summary line: facts extracted, from how many resources,
//   closed worlds, warnings.
// Exits 1 on any violation.
import { readFileSync } from "node:fs";

const [bundleFile, extractedFile, label] = process.argv.slice(2);
const bundle = JSON.parse(readFileSync(bundleFile, "utf8"));
const extracted = JSON.parse(readFileSync(extractedFile, "utf8"));
const ids = new Set(
  (bundle.entry || [])
    .map((e) => e.resource)
    .filter((r) => r && r.resourceType && r.id)
    .map((r) => `${r.resourceType}/${r.id}`),
);
const x = extracted.extraction || {};
const provenance = x.provenance || {};
const closed = x.closed_world || {};
let bad = 0;
const fail = (m) => {
  bad += 1;
  console.log(`${label}: ${m}`);
};
const used = new Set();
for (const [fact, from] of Object.entries(provenance)) {
  for (const r of from) {
    if (r !== "as_of" && !ids.has(r)) fail(`fact \`${fact}\` names ${r}, which is not in the bundle`);
    used.add(r);
  }
}
for (const [fact, value] of Object.entries(extracted.facts || {})) {
  const from = provenance[fact] || [];
  if (from.length === 0 && !(fact in closed)) {
    fail(`fact \`${fact}\` is ${JSON.stringify(value)} with no resource and no closed world`);
  }
  if (value === false && from.length === 0 && !(fact in closed)) {
    fail(`fact \`${fact}\` is false although no resource says so`);
  }
}
console.log(
  `${label}: ${Object.keys(extracted.facts || {}).length} facts from ${used.size} of ${ids.size} resources, ` +
    `${Object.keys(closed).length} by closed world, ${(x.warnings || []).length} warnings`,
);
process.exit(bad === 0 ? 0 : 1);
