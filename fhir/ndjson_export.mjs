// FHIR stage, tests: a FHIR Bulk Data export made of Bundles, for
// `cairn batch --ndjson` in fhir/test.sh: every resource of every bundle
// appended to DIR/Type.ndjson (one resource a line), then a few bad lines
// that must be reported as file:line while every patient still runs.
//
// Usage: node ndjson_export.mjs DIR BUNDLE.json...
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const [dir, ...bundles] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
let lines = 0;
for (const file of bundles) {
  const bundle = JSON.parse(readFileSync(file, "utf8"));
  for (const e of bundle.entry || []) {
    const r = e.resource;
    appendFileSync(path.join(dir, `${r.resourceType}.ndjson`), `${JSON.stringify(r)}\n`);
    lines += 1;
  }
}
// Three bad lines: not JSON, no subject, a subject not in Patient.ndjson.
appendFileSync(path.join(dir, "Observation.ndjson"), "{not json\n");
appendFileSync(path.join(dir, "Observation.ndjson"), `${JSON.stringify({ resourceType: "Observation", id: "no-subject", status: "final", code: { text: "x" } })}\n`);
appendFileSync(path.join(dir, "Condition.ndjson"), `${JSON.stringify({ resourceType: "Condition", id: "orphan", subject: { reference: "Patient/nobody" } })}\n`);
console.log(`ndjson export: ${bundles.length} bundles, ${lines} resources, 3 bad lines, in ${dir}`);
