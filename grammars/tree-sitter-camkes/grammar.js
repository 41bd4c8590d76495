/**
 * @file Tree-sitter grammar for the CAmkES architecture description language
 *       (`.camkes`) and interface description language (`.idl4`).
 * @license MIT
 *
 * One grammar for both file kinds, as camkes-tool has one. It parses the raw
 * text a user edits, not preprocessed text: C preprocessor lines are nodes
 * (extras, so they may appear between any two tokens), and a macro used where a
 * declaration, interface, composition or configuration item belongs is a
 * `macro_invocation` node.
 */

/* eslint-disable arrow-parens */
/* eslint-disable camelcase */
/* eslint-disable-next-line spaced-comment */
/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

'use strict';

const PREC = {
  conditional: 1,
  logical_or: 2,
  logical_and: 3,
  bitwise_or: 4,
  bitwise_xor: 5,
  bitwise_and: 6,
  equality: 7,
  relational: 8,
  shift: 9,
  additive: 10,
  multiplicative: 11,
  power: 12,
  unary: 13,
  call: 14,
};

/**
 * Comma-separated list with an optional trailing comma.
 * @param {RuleOrLiteral} rule
 * @return {ChoiceRule}
 */
function commaSep(rule) {
  return optional(commaSep1(rule));
}

/**
 * @param {RuleOrLiteral} rule
 * @return {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

/**
 * A preprocessor directive keyword such as `#include` (blanks allowed after `#`).
 * @param {string} name
 * @return {AliasRule}
 */
function directive(name) {
  return alias(token(prec(1, new RegExp('#[ \\t]*' + name))), '#' + name);
}

module.exports = grammar({
  name: 'camkes',

  word: $ => $.identifier,

  // Lexed by src/scanner.c: the end of a `#define` line, and the rest of a
  // directive's line (a define's value, an #if condition) with its
  // continuation lines. The sentinel is never used in a rule; it only tells the
  // scanner that error recovery is running.
  externals: $ => [
    $._preproc_newline,
    $.preproc_arg,
    $._error_sentinel,
  ],

  extras: $ => [
    /\s/,
    $.comment,
    $.preproc_include,
    $.preproc_define,
    $.preproc_undef,
    $.preproc_ifdef,
    $.preproc_ifndef,
    $.preproc_if,
    $.preproc_elif,
    $.preproc_else,
    $.preproc_endif,
    $.preproc_directive,
  ],

  supertypes: $ => [
    $._expression,
  ],

  rules: {
    source_file: $ => repeat(choice($._top_level_item, ';')),

    _top_level_item: $ => choice(
      $.import_statement,
      $.include_statement,
      $.component_declaration,
      $.procedure_declaration,
      $.connector_declaration,
      $.struct_declaration,
      $.composition,
      $.configuration,
      $.assembly,
      $.macro_invocation,
    ),

    // ------------------------------------------------------------------
    // Preprocessor lines (cpp runs first in a real build; kept as nodes).

    preproc_include: $ => seq(
      directive('include'),
      field('path', choice($.string, $.system_lib_string, $.identifier)),
    ),

    preproc_define: $ => seq(
      directive('define'),
      field('name', $.identifier),
      optional(field('parameters', $.preproc_params)),
      optional(field('value', $.preproc_arg)),
      $._preproc_newline,
    ),

    preproc_params: $ => seq(
      token.immediate('('),
      optional(seq(
        $._preproc_param,
        repeat(seq(',', $._preproc_param)),
      )),
      ')',
    ),

    // `x`, `...`, or GNU's named variadic `args...`.
    _preproc_param: $ => choice($.identifier, '...', seq($.identifier, '...')),

    preproc_undef: $ => seq(
      directive('undef'),
      field('name', $.identifier),
    ),

    // Each directive is its own rule: a non-terminal extra must begin with a
    // token of its own.
    preproc_ifdef: $ => seq(directive('ifdef'), field('name', $.identifier)),

    preproc_ifndef: $ => seq(directive('ifndef'), field('name', $.identifier)),

    preproc_if: $ => seq(directive('if'), field('condition', $.preproc_arg)),

    preproc_elif: $ => seq(directive('elif'), field('condition', $.preproc_arg)),

    preproc_else: _ => token(prec(1, /#[ \t]*else([^\n\\]|\\\r?\n|\\)*/)),

    preproc_endif: _ => token(prec(1, /#[ \t]*endif([^\n\\]|\\\r?\n|\\)*/)),

    // Any other directive (#pragma, #error, #warning, #line, a lone #).
    preproc_directive: _ => token(prec(0, /#[ \t]*([a-z]+)?([^\n\\]|\\\r?\n|\\)*/)),

    system_lib_string: _ => token(seq('<', repeat(choice(/[^>\n]/, '\\>')), '>')),

    // ------------------------------------------------------------------
    // Imports and includes.

    import_statement: $ => seq(
      'import',
      field('path', choice($._string_value, $.angle_string)),
      ';',
    ),

    include_statement: $ => seq(
      'include',
      field('path', choice($._string_value, $.angle_string)),
      ';',
    ),

    angle_string: _ => token(/<[^<>;,"{}]*>/),

    // ------------------------------------------------------------------
    // Macros used where an item belongs (expanded by cpp in a real build).

    // A bare name (`HARDWARE_TIMER_INTERFACES`) or a call (`VM_INIT_DEF()`),
    // which may end in `;`. A bare name never takes a `;`, so a mistyped
    // keyword (`provdes P p;`) is still reported as an error.
    macro_invocation: $ => prec.right(-1, seq(
      field('name', $.identifier),
      optional(seq(
        field('arguments', $.macro_arguments),
        optional(';'),
      )),
    )),

    macro_arguments: $ => seq(
      '(',
      repeat(choice(
        $.macro_arguments,
        $.identifier,
        $.number,
        $.string,
        $.boolean,
        ',',
        $._macro_punctuation,
      )),
      ')',
    ),

    _macro_punctuation: _ => token(prec(-1, /[-+*%&|^!~<>=?:;.\[\]{}@$\/]/)),

    // ------------------------------------------------------------------
    // Components.

    component_declaration: $ => seq(
      'component',
      optional(field('name', $.identifier)),
      field('body', $.component_body),
    ),

    component_body: $ => seq(
      '{',
      repeat(choice(
        $._component_item,
      )),
      '}',
    ),

    _component_item: $ => choice(
      $.control_declaration,
      $.hardware_declaration,
      $.include_statement,
      $.attribute_declaration,
      $.provides_declaration,
      $.uses_declaration,
      $.emits_declaration,
      $.consumes_declaration,
      $.dataport_declaration,
      $.has_declaration,
      $.composition,
      $.configuration,
      $.macro_invocation,
    ),

    control_declaration: _ => seq('control', ';'),

    hardware_declaration: _ => seq('hardware', ';'),

    attribute_declaration: $ => seq(
      'attribute',
      $._attribute_body,
      ';',
    ),

    _attribute_body: $ => seq(
      field('type', $._type),
      field('name', $.identifier),
      optional(field('array', $.array_suffix)),
      optional(seq('=', field('value', $._value))),
    ),

    array_suffix: _ => seq('[', ']'),

    provides_declaration: $ => seq(
      'provides',
      field('type', $._qualified_name),
      field('name', $.identifier),
      ';',
    ),

    uses_declaration: $ => seq(
      optional(field('maybe', 'maybe')),
      'uses',
      field('type', $._qualified_name),
      field('name', $.identifier),
      ';',
    ),

    emits_declaration: $ => seq(
      optional(field('maybe', 'maybe')),
      'emits',
      field('type', $.identifier),
      field('name', $.identifier),
      ';',
    ),

    consumes_declaration: $ => seq(
      optional(field('maybe', 'maybe')),
      'consumes',
      field('type', $.identifier),
      field('name', $.identifier),
      ';',
    ),

    dataport_declaration: $ => seq(
      optional(field('maybe', 'maybe')),
      'dataport',
      field('type', choice($.buffer_type, $._qualified_name)),
      field('name', $.identifier),
      ';',
    ),

    buffer_type: $ => prec.right(seq(
      'Buf',
      optional(seq('(', field('size', $._expression), ')')),
    )),

    has_declaration: $ => seq(
      'has',
      field('kind', choice('mutex', 'semaphore', 'binary_semaphore')),
      field('name', $.identifier),
      ';',
    ),

    // ------------------------------------------------------------------
    // Types.

    _type: $ => choice(
      $.primitive_type,
      $.struct_type,
      $.struct_body,
      $._qualified_name,
    ),

    primitive_type: _ => choice(
      'int',
      'integer',
      'char',
      'int64_t',
      'uint64_t',
      'string',
      seq(choice('signed', 'unsigned'), optional(choice('int', 'integer', 'char'))),
    ),

    struct_type: $ => seq('struct', field('name', $.identifier)),

    _qualified_name: $ => choice($.identifier, $.qualified_name),

    qualified_name: $ => seq($.identifier, repeat1(seq('.', $.identifier))),

    // ------------------------------------------------------------------
    // Procedures (interfaces).

    procedure_declaration: $ => seq(
      'procedure',
      optional(field('name', $.identifier)),
      field('body', $.procedure_body),
    ),

    procedure_body: $ => seq(
      '{',
      repeat(choice(
        $.method_declaration,
        $.include_statement,
        $.procedure_attribute,
        $.macro_invocation,
      )),
      '}',
    ),

    method_declaration: $ => seq(
      field('return_type', choice($.void_type, $._type)),
      field('name', $.identifier),
      field('parameters', $.parameter_list),
      ';',
    ),

    void_type: _ => 'void',

    parameter_list: $ => seq(
      '(',
      optional(choice(
        'void',
        commaSep1($.parameter),
      )),
      ')',
    ),

    parameter: $ => seq(
      optional(field('direction', choice('in', 'out', 'inout', 'refin'))),
      field('type', $._type),
      field('name', $.identifier),
      optional(field('array', $.array_suffix)),
    ),

    // `int x;` inside a procedure (camkes-tool takes it without `attribute`).
    procedure_attribute: $ => prec.right(seq(
      $._attribute_body,
      optional(';'),
    )),

    // ------------------------------------------------------------------
    // Structs.

    struct_declaration: $ => seq(
      'struct',
      field('name', $.identifier),
      field('body', $.struct_body),
    ),

    struct_body: $ => seq(
      '{',
      repeat(choice($.field_declaration, $.macro_invocation)),
      '}',
    ),

    field_declaration: $ => seq($._attribute_body, ';'),

    // ------------------------------------------------------------------
    // Connectors.

    connector_declaration: $ => seq(
      'connector',
      optional(field('name', $.identifier)),
      field('body', $.connector_body),
    ),

    connector_body: $ => seq(
      '{',
      repeat(choice(
        $.connector_end,
        $.attribute_declaration,
        $.macro_invocation,
      )),
      '}',
    ),

    connector_end: $ => seq(
      field('direction', choice('from', 'to')),
      optional(field('hardware', 'hardware')),
      field('type', choice('Procedure', 'Procedures', 'Event', 'Events', 'Dataport', 'Dataports')),
      optional(seq(
        'with',
        field('threads', $._expression),
        choice('thread', 'threads'),
      )),
      ';',
    ),

    // ------------------------------------------------------------------
    // Assemblies, compositions.

    assembly: $ => seq(
      'assembly',
      optional(field('name', $.identifier)),
      field('body', $.assembly_body),
    ),

    assembly_body: $ => seq(
      '{',
      repeat(choice(
        $.composition,
        $.configuration,
        $.schedule,
        $.composition_reference,
        $.configuration_reference,
        $.macro_invocation,
      )),
      '}',
    ),

    composition_reference: $ => seq('composition', field('name', $._qualified_name), ';'),

    configuration_reference: $ => seq('configuration', field('name', $._qualified_name), ';'),

    composition: $ => seq(
      'composition',
      optional(field('name', $.identifier)),
      field('body', $.composition_body),
    ),

    composition_body: $ => seq(
      '{',
      repeat(choice(
        $.component_instance,
        $.connection,
        $.group,
        $.export_declaration,
        $.macro_invocation,
      )),
      '}',
    ),

    component_instance: $ => seq(
      'component',
      field('type', choice($._qualified_name, $.component_body)),
      field('name', $.identifier),
      ';',
    ),

    connection: $ => seq(
      'connection',
      field('connector', choice($._qualified_name, $.connector_body)),
      field('name', $.identifier),
      field('ends', $.connection_ends),
      ';',
    ),

    connection_ends: $ => seq('(', commaSep($.connection_end), ')'),

    // `from a.b`, `to grp.a.b`, or a bare `b` (the enclosing component's own
    // interface): every name before the last is an `instance` field.
    connection_end: $ => seq(
      field('direction', choice('from', 'to')),
      repeat(seq(field('instance', $.identifier), '.')),
      field('interface', $.identifier),
    ),

    group: $ => seq(
      'group',
      optional(field('name', $.identifier)),
      field('body', $.group_body),
    ),

    group_body: $ => seq(
      '{',
      repeat(choice($.component_instance, $.macro_invocation)),
      '}',
    ),

    export_declaration: $ => seq(
      'export',
      field('from', $._qualified_name),
      '->',
      field('to', $._qualified_name),
      ';',
    ),

    // ------------------------------------------------------------------
    // Configurations.

    configuration: $ => seq(
      'configuration',
      optional(field('name', $.identifier)),
      field('body', $.configuration_body),
    ),

    configuration_body: $ => seq(
      '{',
      repeat(choice($.setting, $.macro_invocation)),
      '}',
    ),

    setting: $ => seq(
      field('instance', $.identifier),
      '.',
      field('attribute', $.identifier),
      choice(
        seq('=', field('value', $._value)),
        seq('<-', field('reference', $.attribute_reference)),
      ),
      ';',
    ),

    attribute_reference: $ => seq(
      field('name', $._qualified_name),
      repeat(field('index', $.subscript)),
    ),

    subscript: $ => seq('[', $._value, ']'),

    _value: $ => choice(
      $._expression,
      $._string_value,
      $.list,
      $.dictionary,
    ),

    _string_value: $ => choice($.string, $.string_concatenation),

    string_concatenation: $ => seq($.string, repeat1($.string)),

    list: $ => seq('[', commaSep($._value), ']'),

    dictionary: $ => seq('{', commaSep($.pair), '}'),

    pair: $ => seq(
      field('key', choice($._expression, $._string_value)),
      ':',
      field('value', $._value),
    ),

    // ------------------------------------------------------------------
    // Schedules.

    schedule: $ => seq(
      'schedule',
      '{',
      '[',
      commaSep($.schedule_slot),
      ']',
      '}',
    ),

    schedule_slot: $ => seq(
      '(',
      field('domain', $._expression),
      ',',
      field('duration', $._expression),
      optional(field('unit', choice('ticks', 'us'))),
      ')',
    ),

    // ------------------------------------------------------------------
    // Expressions (C-like constant expressions, evaluated by camkes-tool).

    _expression: $ => choice(
      $.number,
      $.boolean,
      $.identifier,
      $.binary_expression,
      $.unary_expression,
      $.conditional_expression,
      $.parenthesized_expression,
      $.call_expression,
      $.subscript_expression,
    ),

    parenthesized_expression: $ => seq('(', $._value, ')'),

    // `dtb({...})`, `gpio([...])` queries and macros used as values.
    call_expression: $ => prec(PREC.call, seq(
      field('function', $.identifier),
      field('arguments', $.argument_list),
    )),

    argument_list: $ => seq('(', commaSep($._value), ')'),

    subscript_expression: $ => prec(PREC.call, seq(
      field('value', $._expression),
      field('index', $.subscript),
    )),

    conditional_expression: $ => prec.right(PREC.conditional, seq(
      field('condition', $._expression),
      '?',
      field('consequence', $._value),
      ':',
      field('alternative', $._value),
    )),

    unary_expression: $ => prec(PREC.unary, seq(
      field('operator', choice('-', '+', '!', '~')),
      field('argument', $._expression),
    )),

    binary_expression: $ => {
      const table = [
        ['||', PREC.logical_or],
        ['&&', PREC.logical_and],
        ['|', PREC.bitwise_or],
        ['^', PREC.bitwise_xor],
        ['&', PREC.bitwise_and],
        ['==', PREC.equality],
        ['!=', PREC.equality],
        ['<', PREC.relational],
        ['<=', PREC.relational],
        ['>', PREC.relational],
        ['>=', PREC.relational],
        ['<<', PREC.shift],
        ['>>', PREC.shift],
        ['+', PREC.additive],
        ['-', PREC.additive],
        ['*', PREC.multiplicative],
        ['/', PREC.multiplicative],
        ['%', PREC.multiplicative],
      ];
      return choice(
        ...table.map(([operator, precedence]) => prec.left(precedence, seq(
          field('left', $._expression),
          // @ts-ignore
          field('operator', operator),
          field('right', $._expression),
        ))),
        prec.right(PREC.power, seq(
          field('left', $._expression),
          field('operator', '**'),
          field('right', $._expression),
        )),
      );
    },

    boolean: _ => choice('true', 'false', 'True', 'False'),

    // ------------------------------------------------------------------
    // Tokens.

    number: _ => token(choice(
      /0[xX][0-9a-fA-F]+/,
      /\d+(\.\d+)?/,
    )),

    // No escapes; newlines allowed (camkes-tool's lexer).
    string: _ => token(/"[^"]*"/),

    identifier: _ => /[a-zA-Z_]\w*/,

    comment: _ => token(choice(
      seq('//', /[^\n]*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
    )),
  },
});
