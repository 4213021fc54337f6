; Names are global to a guideline; every declaration is a definition.
(source_file) @local.scope
(fact name: (identifier) @local.definition)
(define name: (identifier) @local.definition)
(table name: (identifier) @local.definition)
(identifier) @local.reference
