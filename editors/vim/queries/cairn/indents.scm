; Neovim tree-sitter indentation: one level inside every braced or bracketed block.
[
  (header) (group) (enum_type) (table) (schedule) (section) (references) (recommendation)
  (first_expression) (set) (quantifier) (parenthesized)
] @indent.begin

["}" "]" ")"] @indent.branch @indent.end
