"""CAmkES rule codes (CK…): one per kind of problem camkes-tool reports, plus our own notices."""

from drvls.core.diagnostics import Severity
from drvls.core.rules import rule

FAMILY = "CAmkES"

SYNTAX = rule("CK001", "syntax-error", Severity.ERROR,
              "The text does not follow the CAmkES grammar.", FAMILY)
CPP_FAILED = rule("CK002", "preprocessor-failed", Severity.ERROR,
                  "The C preprocessor rejected the file (e.g. a missing `#include`).", FAMILY)
NO_CPP = rule("CK003", "no-preprocessor", Severity.INFORMATION,
              "No C preprocessor was found: `#include`/`#define` lines are ignored, as with `--nocpp`.", FAMILY)
IMPORT_NOT_FOUND = rule("CK004", "import-not-found", Severity.ERROR,
                        "An `import` names a file that is not found (relative, or on the import path).", FAMILY)
UNKNOWN_REFERENCE = rule("CK005", "unknown-reference", Severity.ERROR,
                         "A name does not resolve to a declaration of the right kind seen before it "
                         "(a warning when the file is checked alone, without an app that imports it).",
                         FAMILY, contexts=((Severity.WARNING, "in a file checked alone, outside an app"),))
DUPLICATE_DEFINITION = rule("CK006", "duplicate-definition", Severity.ERROR,
                            "Two declarations of the same kind share a name in one scope.", FAMILY)
DUPLICATE_ENTITY = rule("CK007", "duplicate-entity", Severity.ERROR,
                        "Two members of different kinds share a name in one component, procedure or "
                        "composition.", FAMILY)
INVALID_VALUE = rule("CK008", "invalid-value", Severity.ERROR,
                     "A number, type, thread count, dataport size or export that camkes-tool rejects "
                     "while lifting the tree.", FAMILY)
EMPTY_ASSEMBLY = rule("CK009", "empty-assembly", Severity.ERROR,
                      "The assembly declares no instances.", FAMILY)
UNCONNECTED = rule("CK010", "unconnected-interface", Severity.ERROR,
                   "A required interface (uses, consumes, dataport; not `maybe`) of an instance is not "
                   "connected.", FAMILY)
DUPLICATE_USE = rule("CK011", "duplicate-interface-use", Severity.ERROR,
                     "Two connections with different connectors share an interface.", FAMILY)
END_COUNT = rule("CK012", "connection-end-count", Severity.ERROR,
                 "A connection has no from/to ends, or several where its connector permits one.", FAMILY)
CONFLICTING_TYPES = rule("CK013", "conflicting-interface-types", Severity.ERROR,
                         "The ends of a connection have different procedure, event or dataport types.",
                         FAMILY)
END_KIND = rule("CK014", "wrong-end-kind", Severity.ERROR,
                "A connection end is not the kind of interface its side and connector need.", FAMILY)
HARDWARE_MISMATCH = rule("CK015", "hardware-mismatch", Severity.ERROR,
                         "A hardware connector side meets a software component, or the reverse.", FAMILY)
MISTYPED_ATTRIBUTE = rule("CK016", "mistyped-attribute", Severity.ERROR,
                          "A setting's value does not fit the declared type of the attribute.", FAMILY)
DUPLICATE_SETTING = rule("CK017", "duplicate-setting", Severity.ERROR,
                         "The same `instance.attribute` is set twice.", FAMILY)
C_KEYWORD = rule("CK018", "c-keyword", Severity.ERROR,
                 "A method, parameter, attribute or setting name is a C keyword.", FAMILY)
REFERENCE_LOOP = rule("CK019", "attribute-reference-loop", Severity.ERROR,
                      "Settings refer to each other with `<-` in a loop, or to nothing.", FAMILY)
ILLEGAL_COMPONENT = rule("CK020", "illegal-component", Severity.ERROR,
                         "A component is both `control` and `hardware`, or hardware with mutexes or "
                         "semaphores.", FAMILY)
MULTIPLE_CONNECTORS = rule("CK021", "multiple-connectors", Severity.ERROR,
                           "Connections sharing an end (merged N-way) use different connectors.", FAMILY)
SHARED_DATA_SIZE = rule("CK022", "shared-data-size", Severity.WARNING,
                        "A seL4SharedData dataport is smaller than 4096 bytes or not 4096-aligned "
                        "(code generation rejects it).", FAMILY)
BUILTIN_CONNECTORS = rule("CK023", "builtin-connectors", Severity.INFORMATION,
                          "camkes-tool's `std_connector.camkes` is not on the import path: the standard "
                          "connectors come from drvls's own table.", FAMILY)
TOP_LEVEL_END = rule("CK024", "top-level-end", Severity.ERROR,
                     "A connection in an assembly names an interface without an instance.", FAMILY)
UNKNOWN_QUERY = rule("CK025", "unknown-query", Severity.ERROR,
                     "A setting calls a query other than `dtb` or `gpio`.", FAMILY)
ERROR_IN_IMPORT = rule("CK026", "error-in-import", Severity.ERROR,
                       "A file this one imports (directly or not) has errors, so camkes-tool rejects this "
                       "file too; the message names the first.", FAMILY)
ADDRESS_SPACE = rule("CK027", "direct-call-address-space", Severity.WARNING,
                     "The ends of a seL4DirectCall connection are not in one address space (group); code "
                     "generation rejects it.", FAMILY)
HARDWARE_SETTING = rule("CK028", "hardware-setting", Severity.WARNING,
                        "A hardware connection's device is missing the setting code generation needs "
                        "(MMIO `<iface>_paddr`/`_size`, interrupt `<iface>_irq_number`), or it is malformed.",
                        FAMILY)
AST_CYCLE = rule("CK029", "ast-cycle", Severity.ERROR,
                 "A component contains an instance of itself (possible only with forward references).", FAMILY)
NO_GRAMMAR = rule("CK030", "no-grammar", Severity.ERROR,
                  "The CAmkES tree-sitter grammar is not built into this installation, so nothing can be checked.",
                  FAMILY)
IMPORT_UNREADABLE = rule("CK031", "import-unreadable", Severity.ERROR,
                         "An `import` names something that is not a regular file of a readable size (a pipe, "
                         "`/dev/stdin`, a device, a folder, a file over the size limit): it is not read.", FAMILY)
NOT_CAMKES = rule("CK032", "import-not-camkes", Severity.ERROR,
                  "An `import` names a file that is not CAmkES at all; none of its content is quoted.", FAMILY)
LEGACY_SYNTAX = rule("CK033", "legacy-syntax", Severity.ERROR,
                     "Syntax of CAmkES before 2017 that camkes-tool no longer parses (connector ends naming a "
                     "template: `from Procedure client template \"x.c\";`); the message names the current form.",
                     FAMILY)
LEGACY_HARDWARE_SETTING = rule("CK034", "legacy-hardware-setting", Severity.WARNING,
                               "A hardware device set up the pre-2017 way (`dev.reg_attributes = \"paddr:size\"`, "
                               "`dev.irq_attributes = N`), which code generation no longer reads; the message "
                               "names the current settings.", FAMILY)
