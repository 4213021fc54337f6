// FHIR stage, tests: the command-line round trip of fhir/test.sh. For each
// `NAME.case-outcome.json` (`cairn run --case`), the `NAME.fhir-outcome.json`
// beside it (`cairn run --fhir` on the bundle `cairn fhir synth` made of the
// same case) must give every recommendation the same status, every
// definition the same value and every schedule the same visits.
//
// Usage: node validate_roundtrip.mjs FILE.case-outcome.json...
import { readFileSync } from "node:fs";

// JSON with every object's keys sorted: `run --fhir` echoes the outcome
// through a JSON value, whose keys are sorted, `run --case` in field order.
const canonical = (v) =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === "object"
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
      : v;

const strip = (outcome) => {
  // The extraction block and the `absent` echo say how the case was read,
  // not what it gives.
  const { extraction, absent, ...rest } = outcome;
  return JSON.stringify(canonical(rest));
};

let bad = 0;
const files = process.argv.slice(2);
for (const file of files) {
  const other = file.replace(/\.case-outcome\.json$/, ".fhir-outcome.json");
  const a = JSON.parse(readFileSync(file, "utf8"));
  const b = JSON.parse(readFileSync(other, "utf8"));
  if (strip(a) !== strip(b)) {
    bad += 1;
    const diff = a.recommendations
      .filter((r, i) => r.status !== b.recommendations[i]?.status)
      .map((r) => r.id);
    console.log(`${other}: another outcome than the case (statuses differ for: ${diff.join(", ") || "none; derived values or schedules differ"})`);
  }
}
console.log(`round trip: ${files.length} outcomes compared, ${bad} differ`);
process.exit(bad === 0 ? 0 : 1);
