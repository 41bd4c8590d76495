"""App context: a component file is checked as part of each app in the workspace that imports it."""

from __future__ import annotations

from pathlib import Path

from camkes_helpers import check, errors, messages, only, where, write

COMPONENT = "component C {\n  control;\n  uses P p;\n  attribute int auto;\n}\n"


def app(extra: str = "") -> str:
    return ('import <std_connector.camkes>;\nimport "procs.idl4";\nimport "comp.camkes";\n'
            f"{extra}assembly {{ composition {{ component C c; component S s;\n"
            "  connection seL4RPCCall x(from c.p, to s.p); } }\n")


def test_component_alone_has_only_warnings_for_names_its_apps_provide(tmp_path: Path) -> None:
    write(tmp_path, {"comp.camkes": COMPONENT})
    found = check(tmp_path, "comp.camkes")
    assert errors(found) == []
    assert messages(found, "CK005") == ["unknown reference to 'P'"]


def test_component_in_two_apps_reports_each_problem_once_naming_both(tmp_path: Path) -> None:
    write(tmp_path, {
        "procs.idl4": "procedure P { void f(); }\ncomponent S { provides P p; }\n",
        "comp.camkes": COMPONENT,
        "one.camkes": app(),
        "two/two.camkes": app().replace('"procs.idl4"', '"../procs.idl4"').replace('"comp.camkes"',
                                                                                   '"../comp.camkes"'),
    })
    found = check(tmp_path, "comp.camkes")
    assert messages(found, "CK005") == []  # P comes from the apps, imported before the component
    keyword = only(found, "CK018")
    assert keyword.message == "attribute name 'auto' clashes with a C keyword"
    assert where(keyword)[:2] == (4, 17)
    apps = sorted(r.message for r in keyword.related if r.message.startswith("in app"))
    assert apps == ["in app one.camkes", "in app two.camkes"]


def test_problem_found_in_one_app_only_names_that_app(tmp_path: Path) -> None:
    write(tmp_path, {
        "procs.idl4": "procedure P { void f(); }\ncomponent S { provides P p; }\n",
        "comp.camkes": "component C { control; uses P p; }\n",
        "good.camkes": app(),
        "late.camkes": 'import <std_connector.camkes>;\nimport "comp.camkes";\nimport "procs.idl4";\n'
                       "assembly { composition { component C c; } }\n",
    })
    found = check(tmp_path, "comp.camkes")
    diag = only(found, "CK005")
    assert diag.message == "unknown reference to 'P'"
    assert diag.severity.label == "error"
    assert [r.message for r in diag.related] == ["in app late.camkes"]


def test_dependencies_cover_imports_and_apps(tmp_path: Path) -> None:
    from drvls.core.config import Settings
    from drvls.core.engine import check_path
    from drvls.core.languages import AnalysisContext, DiskWorkspace

    write(tmp_path, {
        "procs.idl4": "procedure P { void f(); }\ncomponent S { provides P p; }\n",
        "comp.camkes": COMPONENT,
        "one.camkes": app(),
    })
    ctx = AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([tmp_path]))
    deps = check_path(tmp_path / "comp.camkes", ctx).dependencies
    assert {p.name for p in deps} >= {"one.camkes", "procs.idl4"}
    deps = check_path(tmp_path / "one.camkes", ctx).dependencies
    assert {p.name for p in deps if p.suffix in (".camkes", ".idl4")} == {"procs.idl4", "comp.camkes"}


def test_apps_in_ignored_or_excluded_folders_do_not_count(tmp_path: Path) -> None:
    """App discovery walks like every other walk: `.gitignore` and `exclude` apply."""
    from drvls.core.config import Settings
    from drvls.core.engine import check_path
    from drvls.core.languages import AnalysisContext, DiskWorkspace

    late = ('import <std_connector.camkes>;\nimport "../comp.camkes";\n'
            "assembly { composition { component C c; } }\n")
    write(tmp_path, {"comp.camkes": "component C { control; uses P p; }\n", ".gitignore": "build-out/\n",
                     "build-out/app.camkes": late, "vendor/app.camkes": late})

    def unknown(exclude: list[str]) -> list[str]:
        ctx = AnalysisContext(settings=Settings({"exclude": exclude}), workspace=DiskWorkspace([tmp_path]))
        found = check_path(tmp_path / "comp.camkes", ctx).diagnostics
        return [d.severity.label for d in found if d.code == "CK005"]

    assert unknown([]) == ["error"]  # vendor/app.camkes imports it and lacks P
    assert unknown(["vendor/"]) == ["warning"]  # no app left: a library alone


def test_which_apps_import_a_file_follows_each_import_path_in_any_order(tmp_path: Path) -> None:
    """`import <lib.camkes>` finds another file on another import path, so the app importing the
    component through it is found under one path and not under the other, whichever came first."""
    write(tmp_path, {
        "procs.idl4": "procedure P { void f(); }\ncomponent S { provides P p; }\n",
        "comp.camkes": "component C { control; uses P p; }\n",
        "with/lib.camkes": 'import "../comp.camkes";\n',
        "without/lib.camkes": "component D { control; }\n",
        "app.camkes": 'import <std_connector.camkes>;\nimport <lib.camkes>;\n'
                      "assembly { composition { component C c; } }\n",
    })

    def severity(folder: str) -> list[str]:
        found = check(tmp_path, "comp.camkes", import_path=[str(tmp_path / folder)])
        return [d.severity.label for d in found if d.code == "CK005"]

    # Through `with/` the app imports the component and lacks P: an error; alone, only a warning.
    assert [severity(f) for f in ("with", "without", "with", "without")] == [
        ["error"], ["warning"], ["error"], ["warning"]]
