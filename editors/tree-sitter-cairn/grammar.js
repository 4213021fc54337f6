/**
 * Tree-sitter grammar for Cairn clinical practice guidelines (*.cairn).
 * It follows grammar/cairn.pest, the language's single source of syntax;
 * tests parse every guideline of the repository with it.
 */

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

const PREC = {
  implies: 0,
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  as: 5,
  add: 6,
  mul: 7,
  neg: 8,
};

// A unit after `in` (`weight in kg`): never an annotation first, since
// `in {` always opens a set.
const CONVERSION_UNIT = /%|(\d+[*^][+-]?\d+|[A-Za-zµμ]|\[[^\]\[\s]+\])(\d+[*^][+-]?\d+|[A-Za-z0-9_µμ%\/.]|-\d|\[[^\]\[\s]+\]|\{[^{}\s]+\}|\([^()\s]+\))*/;

module.exports = grammar({
  name: 'cairn',

  word: $ => $.identifier,

  extras: $ => [/\s/, $.comment],

  // `strength 2C` may be followed by a `when` field or by `when … otherwise`
  // (the rest of a per-case strength): only `otherwise` tells them apart.
  conflicts: $ => [[$.strength], [$.kind]],

  rules: {
    source_file: $ => repeat($._declaration),

    _declaration: $ => choice(
      $.header,
      $.include,
      $.grading,
      $.fact,
      $.group,
      $.define,
      $.constraint,
      $.table,
      $.schedule,
      $.section,
      $.references,
      $.recommendation,
    ),

    comment: _ => token(seq('//', /.*/)),

    // ------------------------------------------------------------ header

    header: $ => seq('guideline', field('name', $.identifier), '{', repeat($.header_field), '}'),
    header_field: $ => seq(field('key', $.identifier), choice(
      seq(commaSep1($.string), optional(seq('dated', $.date))),
      $.date,
      $.identifier,
    )),

    include: $ => seq('include', $.string),

    // A grading scheme of the guideline's own, its values highest first.
    grading: $ => seq('grading', field('name', $.identifier), $.string, '{', repeat1($.grading_value), '}'),
    grading_value: $ => seq(field('name', $.grade), optional($.string)),

    // ------------------------------------------------------------ facts

    fact: $ => seq('fact', field('name', $.identifier), field('description', $.string), ':', field('type', $._type),
      optional($.or_never), optional($.absent_means)),
    or_never: _ => seq('or', 'never'),
    absent_means: $ => seq('absent', 'means', choice('true', 'false', 'never', 'none', $.identifier)),
    group: $ => seq('group', field('name', $.identifier), $.string, '{', repeat($.fact), '}'),

    _type: $ => choice($.primitive_type, $.integer_type, $.number_type, $.quantity_type, $.enum_type, $.list_type),
    primitive_type: _ => choice('bool', 'date'),
    integer_type: $ => seq('integer', optional(seq($.signed_integer, 'to', $.signed_integer))),
    signed_integer: $ => seq(optional('-'), $.number),
    number_type: $ => seq('number', optional($.decimal_range)),
    quantity_type: $ => seq('quantity', choice($.unit, $.type_unit), optional($.decimal_range), repeat($.unit_conversion)),
    decimal_range: $ => seq($.signed_number, 'to', $.signed_number),
    signed_number: $ => seq(optional('-'), $.number),
    unit_conversion: $ => choice(
      seq('molar', 'mass', $.number, $.unit),
      seq('where', $.number, $.unit, '=', $.number, $.unit),
    ),
    // `list of enum { ... }`: a set of the values (current medications).
    list_type: $ => seq('list', 'of', $.enum_type),
    enum_type: $ => seq('enum', '{', $.enum_value, repeat(seq(optional(','), $.enum_value)), optional(','), '}'),
    enum_value: $ => seq(field('name', $.identifier), optional($.string), repeat($.code)),
    code: $ => seq('code', $.identifier, $.string),

    // ------------------------------------------------------------ definitions

    define: $ => seq('define', field('name', $.identifier), $.string, optional(seq(':', $._type)), '=', field('value', $._expression)),

    constraint: $ => seq('constraint', field('name', $.identifier), $.string, ':', field('condition', choice($.exclusion, $._expression))),
    exclusion: $ => prec.left(PREC.implies, seq($._expression, 'excludes', $._expression)),

    table: $ => seq(
      'table', field('name', $.identifier), $.string, '{',
      $.table_keys, repeat1($.table_column), repeat1($.table_row), repeat($.cite),
      '}',
    ),
    table_keys: $ => seq('key', commaSep1($.identifier)),
    table_column: $ => seq('column', field('name', $.identifier), $.string, ':', $._type),
    table_row: $ => seq('row', commaSep1($._row_key), '->', commaSep1($._literal)),
    // An enum value, `_`, or for a number key a value, range or bound.
    _row_key: $ => choice($.wildcard, $.identifier, $._key_value, $.key_range, $.key_bound),
    key_range: $ => seq($._key_value, 'to', $._key_value),
    key_bound: $ => seq(choice('<', '<=', '>', '>=', '≤', '≥'), $._key_value),
    _key_value: $ => choice($.date, $.quantity, $.signed_number),
    wildcard: _ => '_',

    // ------------------------------------------------------------ schedules

    schedule: $ => seq(
      'schedule', field('name', $.identifier), $.string, 'from', $.identifier,
      optional(seq('as', 'of', $.identifier)), '{',
      $.phase, repeat(seq('then', $.phase)), repeat($.study),
      '}',
    ),
    phase: $ => seq('every', $.amount, choice(
      seq('for', $.amount),
      seq('until', optional(seq('at', 'least')), choice(
        $.date, seq($.amount, optional(seq('after', $.identifier))), $.identifier,
      )),
    )),
    amount: $ => seq($.number, optional(seq('to', $.number)), $.unit),
    study: $ => seq('study', choice($.string, $.alternating), optional(seq('when', $._expression))),
    alternating: $ => seq('alternating', '(', $.string, repeat1(seq(',', $.string)), ')'),

    // ------------------------------------------------------------ sections

    section: $ => seq(
      'section', field('name', $.identifier), $.string,
      optional(seq('when', field('condition', $._expression))),
      optional('exhaustive'),
      '{', repeat($._declaration), '}',
    ),

    references: $ => seq('references', '{', repeat($.reference), '}'),
    reference: $ => seq('[', $.number, ']', $.string),

    // ------------------------------------------------------------ recommendations

    recommendation: $ => seq(field('kind', $.recommendation_kind), field('name', $.identifier), '{', repeat($._field), '}'),
    recommendation_kind: _ => choice('recommend', 'suggest', 'option', 'consider', 'do-not-offer', 'discourage', 'refer', 'inform'),

    _field: $ => choice(
      $.strength, $.about, $.when, $.statement, $.rationale, $.alternative, $.note,
      $.detail, $.follow, $.cite, $.see, $.excludes, $.acknowledge, $.kind,
    ),
    // A strength is one or more words of the guideline's grading scheme
    // (`2C`, `class 2a level B-NR`); `when` or a field's word ends it.
    strength: $ => seq('strength', $._strength_value, repeat(seq('when', $._expression, 'otherwise', $._strength_value))),
    _strength_value: $ => choice('none', repeat1($.grade)),
    kind: $ => seq('kind', $.recommendation_kind, repeat(seq('when', $._expression, 'otherwise', $.recommendation_kind))),
    grade: _ => /[A-Za-z0-9][A-Za-z0-9+-]*/,
    about: $ => seq('about', $.identifier),
    when: $ => seq('when', $._expression),
    statement: $ => seq('statement', $.string),
    rationale: $ => seq('rationale', $.string),
    alternative: $ => seq('alternative', optional($.identifier), $.string),
    note: $ => seq('note', $.string),
    detail: $ => seq('detail', field('name', $.identifier), '=', commaSep1(choice($.dose, $.interval, $.quantity, $.string))),
    dose: $ => seq($.quantity, 'in', $.number, 'fractions'),
    interval: $ => seq($.number, 'to', $.number, $.unit, optional(seq('after', $.string))),
    follow: $ => seq('schedule', $.identifier),
    cite: $ => seq('cite', '[', commaSep1($.cite_item), ']'),
    cite_item: $ => seq($.number, optional(seq('-', $.number))),
    see: $ => seq('see', $.string),
    excludes: $ => seq('excludes', commaSep1($.identifier)),
    acknowledge: $ => seq('acknowledge', $.identifier, optional(seq('with', $.identifier)), $.string),

    // ------------------------------------------------------------ expressions

    _expression: $ => choice(
      $.binary_expression,
      $.not_expression,
      $.comparison,
      $.in_expression,
      $.known_expression,
      $.contains_expression,
      $.negation,
      $.parenthesized,
      $.quantifier,
      $.count_expression,
      $.extreme_expression,
      $.between_expression,
      $.call_expression,
      $.power,
      $.unit_expression,
      $.score_expression,
      $.first_expression,
      $._literal,
      $.field_access,
      $.identifier,
    ),
    binary_expression: $ => choice(
      prec.left(PREC.implies, seq($._expression, 'implies', $._expression)),
      prec.left(PREC.or, seq($._expression, 'or', $._expression)),
      prec.left(PREC.and, seq($._expression, 'and', $._expression)),
      prec.left(PREC.add, seq($._expression, choice('+', '-'), $._expression)),
      prec.left(PREC.mul, seq($._expression, choice('*', '/'), $._expression)),
    ),
    not_expression: $ => prec(PREC.not, seq('not', $._expression)),
    comparison: $ => prec.left(PREC.compare, seq($._expression, $.comparison_operator, $._expression)),
    comparison_operator: _ => choice('<=', '>=', '!=', '=', '<', '>', '≤', '≥', '≠'),
    // `x in {a, b}`, and `weight in kg` (a quantity's amount; tighter in
    // cairn.pest, but one rule here keeps the table free of conflicts).
    in_expression: $ => prec.left(PREC.compare, seq($._expression, optional('not'), 'in',
      choice($.set, alias(token(CONVERSION_UNIT), $.unit)))),
    known_expression: $ => prec.left(PREC.compare, seq($._expression, 'is', choice('known', 'unknown', 'empty'))),
    // `L contains v`, `L contains any of {a, b}` (also `all of`, `none of`), on a list fact.
    contains_expression: $ => prec.left(PREC.compare, seq($._expression, 'contains',
      choice(seq(choice('any', 'all', 'none'), 'of', $.set), $._expression))),
    negation: $ => prec(PREC.neg, seq('-', $._expression)),
    parenthesized: $ => seq('(', $._expression, ')'),
    quantifier: $ => seq(choice('any', 'all', 'none'), 'of', '[', commaSep1($._expression), optional(','), ']'),
    // `count of [...]`, `at least K of [...]`, `at most K of [...]`, `exactly K of [...]`;
    // over a list fact, `count of L`, `at least K of L in {a, b}` (the set binds to the count).
    count_expression: $ => prec.right(seq(
      choice('count', seq(choice(seq('at', 'least'), seq('at', 'most'), 'exactly'), $._expression)),
      'of',
      choice(
        seq('[', commaSep1($._expression), optional(','), ']'),
        seq(field('list', $.identifier), optional(seq('in', $.set))),
      ),
    )),
    // `min of [...]`, `earliest of [...]`, `years between a and b`, `round(x, 1)`, `a ^ b`.
    extreme_expression: $ => seq(
      field('function', alias(choice('min', 'max', 'earliest', 'latest'), $.function_name)),
      'of', '[', commaSep1($._expression), optional(','), ']',
    ),
    between_expression: $ => prec.left(PREC.compare, seq(
      field('unit', alias(choice('years', 'months', 'days'), $.function_name)),
      'between', $._expression, 'and', $._expression,
    )),
    call_expression: $ => seq(
      field('function', alias(choice('abs', 'round', 'floor', 'ceil'), $.function_name)),
      '(', commaSep1($._expression), ')',
    ),
    power: $ => prec.right(PREC.neg + 1, seq($._expression, '^', $._expression)),
    // `formula as mL/min`: a number made a quantity, looser than any
    // arithmetic.
    unit_expression: $ => prec.left(PREC.as, seq($._expression, 'as', $.unit)),
    // `score { 2 points when c  -1 point when d  points from e }`
    score_expression: $ => seq('score', '{', repeat1($.score_item), '}'),
    score_item: $ => seq(
      choice(seq($.score_points, choice('point', 'points')), seq('points', 'from', $._expression)),
      optional(seq('when', $._expression)),
    ),
    // A signed number: one token, so that `c -1 point` ends the condition.
    score_points: _ => token(/-?\d+(\.\d+)?/),
    first_expression: $ => seq('first', '{', repeat1($.branch), optional($.otherwise), '}'),
    branch: $ => seq('when', $._expression, 'then', $._expression),
    otherwise: $ => seq('otherwise', $._expression),
    set: $ => seq('{', commaSep1($._expression), optional(','), '}'),
    field_access: $ => seq(field('table', $.identifier), '.', field('column', $.identifier)),

    // ------------------------------------------------------------ literals

    _literal: $ => choice($.date, $.quantity, $.number, $.boolean, $.string),
    boolean: _ => choice('true', 'false'),
    quantity: $ => seq($.number, $.unit),
    // A UCUM unit expression (`mg/dL`, `mm[Hg]`, `mL/min/{1.73_m2}`, `10*9/L`).
    unit: _ => /%|(\d+[*^][+-]?\d+|[A-Za-zµμ]|\[[^\]\[\s]+\]|\{[^{}\s]+\})(\d+[*^][+-]?\d+|[A-Za-z0-9_µμ%\/.]|-\d|\[[^\]\[\s]+\]|\{[^{}\s]+\}|\([^()\s]+\))*/,
    // In a declaration a unit may start with `/` (`quantity /min`).
    type_unit: _ => /\/(\d+[*^][+-]?\d+|[A-Za-zµμ]|\[[^\]\[\s]+\]|\{[^{}\s]+\})(\d+[*^][+-]?\d+|[A-Za-z0-9_µμ%\/.]|-\d|\[[^\]\[\s]+\]|\{[^{}\s]+\}|\([^()\s]+\))*/,
    number: _ => /\d+(\.\d+)?/,
    date: _ => token(prec(1, /\d{4}-\d{2}-\d{2}/)),
    string: $ => seq(
      '"',
      repeat(choice(
        alias(token.immediate(prec(1, /[^"\\{]+/)), $.string_content),
        alias(token.immediate(prec(1, '{')), $.string_content),
        $.escape_sequence,
        $.placeholder,
      )),
      token.immediate('"'),
    ),
    escape_sequence: _ => token.immediate(prec(1, /\\./)),
    placeholder: _ => token.immediate(prec(2, /\{[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\}/)),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,
  },
});
