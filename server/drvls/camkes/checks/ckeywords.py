"""C keywords camkes-tool refuses as names (its `camkes/ast/ckeywords.py`)."""

C_KEYWORDS = frozenset({
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local", "__func__", "__objc_yes", "__objc_no", "asm", "wchar_t",
    "_Decimal32", "_Decimal64", "_Decimal128", "__alignof", "__attribute", "__builtin_choose_expr",
    "__builtin_offsetof", "__builtin_types_compatible_p", "__builtin_va_arg", "__extension__", "__imag",
    "__int128", "__label__", "__real", "__thread", "__FUNCTION__", "__PRETTY_FUNCTION__", "typeof",
    "__private_extern__", "__module_private__", "__declspec", "__cdecl", "__stdcall", "__fastcall",
    "__thiscall", "__vectorcall", "__pascal", "__fp16", "__alignof__", "__asm", "__asm__", "__attribute__",
    "__complex", "__complex__", "__const", "__const__", "__imag__", "__inline", "__inline__", "__real__",
    "__restrict", "__restrict__", "__signed", "__signed__", "__typeof", "__typeof__", "__volatile",
    "__volatile__", "__builtin_convertvector", "__unknown_anytype"
})
