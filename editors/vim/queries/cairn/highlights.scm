; Cairn highlighting for Neovim's tree-sitter (Neovim capture names); the same
; patterns as editors/tree-sitter-cairn/queries/highlights.scm.
; Every keyword of grammar/cairn.pest appears here (checked by tests/it/editors.rs).
; Later patterns win for the same node (as in Helix and Neovim): general ones come first.

(identifier) @variable
(comment) @comment
((comment) @comment.documentation
  (#lua-match? @comment.documentation "^///"))

(string) @string
(string_content) @string
(escape_sequence) @string.escape
(placeholder) @variable.member

(number) @number
(date) @number
(unit) @type
(grade) @constant
(boolean) @boolean
(wildcard) @variable.builtin

[
  "guideline" "include" "grading" "fact" "group" "define" "constraint" "table" "schedule" "section" "references"
] @keyword.type

"exhaustive" @keyword.modifier

(recommendation_kind) @keyword.function
[
  "recommend" "suggest" "option" "consider" "do-not-offer" "discourage" "refer" "inform"
] @keyword.function

["when" "then" "otherwise" "first"] @keyword.conditional

["and" "or" "not" "in" "is" "known" "unknown" "any" "all" "none" "of" "count" "most" "exactly" "between" "implies" "contains" "empty"] @keyword.operator

(primitive_type) @type.builtin
["bool" "integer" "number" "quantity" "date" "enum" "list"] @type.builtin

["true" "false"] @boolean

[
  "strength" "kind" "about" "statement" "rationale" "alternative" "note" "detail" "cite" "see"
  "excludes" "acknowledge" "with" "dated" "code" "key" "column" "row" "from" "every" "for"
  "until" "as" "at" "least" "study" "alternating" "to" "after" "fractions" "score" "point" "points"
  "molar" "mass" "where" "never" "absent" "means"
] @keyword

(comparison_operator) @operator
["+" "-" "*" "/" "->" "="] @operator

["{" "}" "[" "]" "(" ")"] @punctuation.bracket
["," ":" "."] @punctuation.delimiter

(header name: (identifier) @module)
(section name: (identifier) @module)
(fact name: (identifier) @variable)
(define name: (identifier) @function)
(constraint name: (identifier) @function)
(table name: (identifier) @type)
(group name: (identifier) @type)
(grading name: (identifier) @type)
(table_column name: (identifier) @variable.member)
(schedule name: (identifier) @function)
(recommendation name: (identifier) @function)
(enum_value name: (identifier) @constant)
(header_field key: (identifier) @variable.member)
(field_access column: (identifier) @variable.member)

(function_name) @function
