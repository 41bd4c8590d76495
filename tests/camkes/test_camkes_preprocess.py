"""Preprocessing as camkes-tool does it, and positions mapped back to what the user wrote."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from camkes_helpers import check, errors, messages, only, where, write
from drvls.camkes.preprocess import parse_markers
from prerequisites import needs

needs_cpp = needs(shutil.which("cpp") is not None, "no C preprocessor (cpp) on PATH")


def test_line_markers_give_each_output_line_its_source() -> None:
    out = '# 0 "<stdin>"\n# 1 "<built-in>"\n# 1 "<stdin>"\na\n# 1 "inc/h.h" 1\nb\n# 3 "<stdin>" 2\nc\n'
    pre = parse_markers(out, Path("/src/app.camkes"), Path("/src"))
    lines = pre.text.split("\n")
    assert lines[3] == "a" and pre.origins[3] == (Path("/src/app.camkes"), 0)
    assert lines[5] == "b" and pre.origins[5] == (Path("/src/inc/h.h"), 0)
    assert lines[7] == "c" and pre.origins[7] == (Path("/src/app.camkes"), 2)
    assert pre.included == {Path("/src/inc/h.h")}


@needs_cpp
def test_macro_declarations_are_located_in_the_source(tmp_path: Path) -> None:
    line2 = "/* a comment   that cpp drops */   CLIENT(Client, Missing)"
    line4 = "component   Other  {  uses   AlsoMissing   q; }"
    write(tmp_path, {
        "defs.h": "#define CLIENT(name, proc) component name { control; uses proc p; }\n",
        "app.camkes": '#include "defs.h"\n'
                      f"{line2}\n"
                      "#ifdef CAMKES_TOOL_PROCESSING\n"
                      f"{line4}\n"
                      "#endif\n",
    })
    found = check(tmp_path, "app.camkes")
    first, second = (only([d], "CK005") for d in sorted(
        (d for d in found if d.code == "CK005"), key=lambda d: d.range.start))
    assert first.message == "unknown reference to 'Missing'"
    col = line2.index("Missing") + 1
    assert where(first) == (2, col, 2, col + 7)  # the macro argument, where it was written
    assert second.message == "unknown reference to 'AlsoMissing'"
    col = line4.index("AlsoMissing") + 1
    assert where(second) == (4, col, 4, col + 11)  # blanks squeezed by cpp are restored


@needs_cpp
def test_macros_do_not_cross_imports(tmp_path: Path) -> None:
    write(tmp_path, {
        "lib.camkes": "component FROM_MACRO { control; }\n",
        "app.camkes": '#define FROM_MACRO Renamed\nimport "lib.camkes";\n'
                      "assembly { composition { component Renamed r; } }\n",
    })
    found = check(tmp_path, "app.camkes")
    assert messages(found, "CK005") == ["unknown reference to 'Renamed'"]


@needs_cpp
def test_defines_and_include_dirs_are_passed(tmp_path: Path) -> None:
    write(tmp_path, {
        "inc/k.h": "#define KIND control\n",
        "lib.camkes": "#include <k.h>\n#if WANT == 2\ncomponent C { KIND; }\n#else\ncomponent C { broken }\n#endif\n",
    })
    found = check(tmp_path, "lib.camkes", cpp_include=[str(tmp_path / "inc")], defines=["WANT=2"])
    assert found == []


@needs_cpp
def test_cpp_failure_is_reported_where_cpp_says(tmp_path: Path) -> None:
    write(tmp_path, {"lib.camkes": "component A { control; }\n#include \"missing.h\"\n"})
    diag = only(check(tmp_path, "lib.camkes"), "CK002")
    assert diag.message == "CPP command failed: missing.h: No such file or directory"
    assert where(diag)[:2] == (2, 10)


def test_missing_preprocessor_falls_back_to_raw_text(tmp_path: Path) -> None:
    write(tmp_path, {"lib.camkes": '#include "whatever.h"\ncomponent A { control; uses Missing m; }\n'})
    found = check(tmp_path, "lib.camkes", cpp="/nonexistent/cpp-program")
    notice = only(found, "CK003")
    assert notice.severity.label == "information"
    assert "no C preprocessor" in notice.message
    assert errors(found) == []
    assert where(only(found, "CK005"))[:2] == (2, 29)


def test_files_without_directives_need_no_preprocessor(tmp_path: Path) -> None:
    write(tmp_path, {"lib.camkes": "component A { control; }\n"})
    assert check(tmp_path, "lib.camkes", cpp="/nonexistent/cpp-program") == []


@needs_cpp
def test_a_changed_header_is_noticed(tmp_path: Path) -> None:
    write(tmp_path, {"h.h": "#define KIND control\n", "lib.camkes": '#include "h.h"\ncomponent C { KIND; }\n'})
    assert check(tmp_path, "lib.camkes") == []
    write(tmp_path, {"h.h": "#define KIND contrl\n"})
    assert messages(check(tmp_path, "lib.camkes"), "CK001") == [
        "syntax error: unexpected `contrl`"]


@needs_cpp
def test_a_forked_worker_preprocesses_after_its_parent_did(tmp_path: Path) -> None:
    """The parent's prefetch threads do not exist in a forked child (`drvls check` workers): the child
    starts its own instead of waiting for them forever."""
    def app(name: str, parts: int) -> None:
        files = {f"c{i}.camkes": f"#define C{i} component C{i} {{ control; }}\nC{i}\n" for i in range(parts)}
        imports = "".join(f'import "c{i}.camkes";\n' for i in range(parts))
        write(tmp_path / name, {**files, "x.h": "", "app.camkes": f'#include "x.h"\n{imports}'
                                "assembly { composition { component C0 c; } }\n"})
    app("parent", 8)  # leaves idle threads behind, which a child would count on
    app("child", 1)  # two files for cpp: the child hands both to those threads
    assert errors(check(tmp_path / "parent", "app.camkes")) == []
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os._exit(0 if errors(check(tmp_path / "child", "app.camkes")) == [] else 1)
        finally:
            os._exit(2)
    for _ in range(200):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child never finished preprocessing")
