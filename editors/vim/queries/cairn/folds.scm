[
  (header) (group) (enum_type) (table) (schedule) (section) (references) (recommendation)
  (first_expression)
] @fold
