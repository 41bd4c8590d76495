; Foldable regions: every braced body, lists and dictionaries spanning lines,
; block comments and multi-line #defines.
[
  (component_body)
  (procedure_body)
  (connector_body)
  (struct_body)
  (assembly_body)
  (composition_body)
  (configuration_body)
  (group_body)
  (schedule)
  (list)
  (dictionary)
  (argument_list)
  (connection_ends)
  (comment)
  (preproc_define)
] @fold
