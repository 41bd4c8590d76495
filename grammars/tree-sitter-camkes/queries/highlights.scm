; CAmkES highlights. Capture names follow the common tree-sitter set
; (keyword, type, function, property, variable, string, number, comment, ...).

(comment) @comment

; Preprocessor
[
  "#include"
  "#define"
  "#undef"
  "#if"
  "#elif"
  "#ifdef"
  "#ifndef"
] @keyword.directive
(preproc_else) @keyword.directive
(preproc_endif) @keyword.directive
(preproc_directive) @keyword.directive
(preproc_define name: (identifier) @constant.macro)
(preproc_undef name: (identifier) @constant.macro)
(preproc_ifdef name: (identifier) @constant.macro)
(preproc_ifndef name: (identifier) @constant.macro)
(preproc_params (identifier) @variable.parameter)
(preproc_arg) @embedded
(system_lib_string) @string.special.path
(preproc_include path: (string) @string.special.path)

; Macros standing for declarations or values
(macro_invocation name: (identifier) @function.macro)
(call_expression function: (identifier) @function.call)

; Keywords
[
  "import"
  "include"
] @keyword.import

[
  "assembly"
  "component"
  "composition"
  "configuration"
  "connection"
  "connector"
  "procedure"
  "struct"
  "group"
  "export"
  "schedule"
] @keyword

[
  "attribute"
  "provides"
  "uses"
  "emits"
  "consumes"
  "dataport"
  "has"
  "control"
  "hardware"
  "maybe"
  "from"
  "to"
  "with"
  "thread"
  "threads"
  "ticks"
  "us"
] @keyword

[
  "in"
  "out"
  "inout"
  "refin"
] @keyword.modifier

[
  "mutex"
  "semaphore"
  "binary_semaphore"
  "Procedure"
  "Procedures"
  "Event"
  "Events"
  "Dataport"
  "Dataports"
] @type.builtin

; Types
(primitive_type) @type.builtin
(void_type) @type.builtin
(buffer_type "Buf" @type.builtin)
(struct_type name: (identifier) @type)
(provides_declaration type: (identifier) @type)
(uses_declaration type: (identifier) @type)
(provides_declaration type: (qualified_name (identifier) @type))
(uses_declaration type: (qualified_name (identifier) @type))
(emits_declaration type: (identifier) @type)
(consumes_declaration type: (identifier) @type)
(dataport_declaration type: (identifier) @type)
(attribute_declaration type: (identifier) @type)
(field_declaration type: (identifier) @type)
(parameter type: (identifier) @type)
(method_declaration return_type: (identifier) @type)
(component_instance type: (identifier) @type)
(connection connector: (identifier) @type)

; Declarations
(component_declaration name: (identifier) @type.definition)
(procedure_declaration name: (identifier) @type.definition)
(connector_declaration name: (identifier) @type.definition)
(struct_declaration name: (identifier) @type.definition)
(assembly name: (identifier) @type.definition)
(composition name: (identifier) @type.definition)
(configuration name: (identifier) @type.definition)

(method_declaration name: (identifier) @function.method)
(parameter name: (identifier) @variable.parameter)
(attribute_declaration name: (identifier) @property)
(procedure_attribute name: (identifier) @property)
(field_declaration name: (identifier) @property)
(provides_declaration name: (identifier) @variable.member)
(uses_declaration name: (identifier) @variable.member)
(emits_declaration name: (identifier) @variable.member)
(consumes_declaration name: (identifier) @variable.member)
(dataport_declaration name: (identifier) @variable.member)
(has_declaration name: (identifier) @variable.member)
(component_instance name: (identifier) @variable)
(connection name: (identifier) @variable)
(group name: (identifier) @variable)

(connection_end instance: (identifier) @variable)
(connection_end interface: (identifier) @variable.member)
(setting instance: (identifier) @variable)
(setting attribute: (identifier) @property)

; Literals
(string) @string
(angle_string) @string.special.path
(number) @number
(boolean) @boolean
(pair key: (string) @property)

; Operators and punctuation
[
  "="
  "<-"
  "->"
  "+"
  "-"
  "*"
  "/"
  "%"
  "**"
  "<<"
  ">>"
  "<"
  "<="
  ">"
  ">="
  "=="
  "!="
  "&"
  "|"
  "^"
  "~"
  "!"
  "&&"
  "||"
  "?"
] @operator

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ";"
  ","
  "."
  ":"
] @punctuation.delimiter
