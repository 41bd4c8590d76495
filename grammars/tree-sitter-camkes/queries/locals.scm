; Scopes, definitions and references for CAmkES. Names are global to an app
; (imports fill one namespace), so the file itself is the outer scope; each
; body opens a scope for the names declared in it.

; Scopes
(source_file) @local.scope
(component_body) @local.scope
(procedure_body) @local.scope
(composition_body) @local.scope
(method_declaration) @local.scope

; Definitions
(component_declaration name: (identifier) @local.definition.type)
(procedure_declaration name: (identifier) @local.definition.type)
(connector_declaration name: (identifier) @local.definition.type)
(struct_declaration name: (identifier) @local.definition.type)
(preproc_define name: (identifier) @local.definition.macro)
(component_instance name: (identifier) @local.definition.var)
(connection name: (identifier) @local.definition.var)
(group name: (identifier) @local.definition.namespace)
(provides_declaration name: (identifier) @local.definition.field)
(uses_declaration name: (identifier) @local.definition.field)
(emits_declaration name: (identifier) @local.definition.field)
(consumes_declaration name: (identifier) @local.definition.field)
(dataport_declaration name: (identifier) @local.definition.field)
(has_declaration name: (identifier) @local.definition.field)
(attribute_declaration name: (identifier) @local.definition.field)
(method_declaration name: (identifier) @local.definition.method)
(parameter name: (identifier) @local.definition.parameter)

; References
(component_instance type: (identifier) @local.reference)
(connection connector: (identifier) @local.reference)
(provides_declaration type: (identifier) @local.reference)
(uses_declaration type: (identifier) @local.reference)
(connection_end instance: (identifier) @local.reference)
(setting instance: (identifier) @local.reference)
(macro_invocation name: (identifier) @local.reference)
(identifier) @local.reference
