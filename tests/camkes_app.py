"""A small CAmkES app whose component and procedure live in imported files, for the tests that follow a
change in an imported file (language server, real editors)."""

COMPONENT = "component Foo {\n    control;\n    uses Iface o;\n}\n"
INTERFACE = "procedure Iface {\n    void ping();\n};\n"
APP = """import <std_connector.camkes>;
import "iface.idl4";
import "comp.camkes";

component Bar {
    provides Iface i;
}

assembly {
    composition {
        component Foo foo;
        component Bar bar;
        connection seL4RPCCall c(from foo.o, to bar.i);
    }
}
"""
