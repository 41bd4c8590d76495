/*
 * drvls._drvnative: the CPython face of the zero-copy `.drv` decoder.
 *
 * `File(buffer)` takes any object with the buffer protocol (normally a read-only mmap),
 * holds the buffer export for its lifetime, validates it once with drv_open, and then
 * hands out rules lazily: a `Rule` is a small copy of the decoder's record view, and its
 * Python strings are created only when an attribute is read.
 */
#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>
#include <structmember.h>

#include "drvdec.h"

typedef struct {
    PyObject_HEAD
    Py_buffer view;
    int has_view;
    int initialised;
    drv_file file;
    uint32_t *v1_index;
} FileObject;

typedef struct {
    PyObject_HEAD
    FileObject *owner;
    drv_rule rule;
} RuleObject;

typedef struct {
    PyObject_HEAD
    FileObject *owner;
    drv_rule_iter it;
} RuleIterObject;

static PyObject *DecodeError;
static PyTypeObject FileType;
static PyTypeObject RuleType;
static PyTypeObject RuleIterType;

static int ensure_open(FileObject *self) {
    if (!self->has_view) {
        PyErr_SetString(PyExc_ValueError, "the .drv file is closed");
        return -1;
    }
    return 0;
}

/* The buffer no longer holds what was validated (a writable buffer was changed, or a
 * mapped file was rewritten): the decoder noticed and read nothing outside the buffer. */
static PyObject *changed_error(void) {
    PyErr_SetString(PyExc_ValueError, "the .drv buffer changed after it was validated; open it again");
    return NULL;
}

/* A Python str for string `ref`, or None when ABSENT. The file is validated, so a bad
 * ref here is an internal error, reported rather than trusted. */
static PyObject *make_string(const drv_file *f, uint32_t ref) {
    drv_view v;
    int got = drv_string(f, ref, &v);
    if (got == 0) {
        Py_RETURN_NONE;
    }
    if (got < 0) {
        return changed_error();
    }
    return PyUnicode_DecodeUTF8((const char *)v.ptr, (Py_ssize_t)v.len, "strict");
}

static PyObject *make_list(const drv_file *f, const drv_list *l) {
    PyObject *out = PyList_New((Py_ssize_t)l->count);
    if (out == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < l->count; i++) {
        PyObject *s = make_string(f, drv_list_get(l, i));
        if (s == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, s);
    }
    return out;
}

static PyObject *make_pairs(const drv_file *f, const drv_list *l) {
    PyObject *out = PyList_New((Py_ssize_t)l->count);
    if (out == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < l->count; i++) {
        PyObject *pair = Py_BuildValue("(NN)", make_string(f, drv_list_get(l, 2 * i)),
                                       make_string(f, drv_list_get(l, 2 * i + 1)));
        if (pair == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, pair);
    }
    return out;
}

static PyObject *make_steps(const drv_file *f, const drv_rule *r) {
    PyObject *out = PyList_New((Py_ssize_t)r->step_count);
    if (out == NULL) {
        return NULL;
    }
    drv_step_iter it;
    drv_step s;
    drv_steps_begin(f, r, &it);
    int got;
    for (Py_ssize_t i = 0; (got = drv_step_next(&it, &s)) == 1; i++) {
        PyObject *step = Py_BuildValue("(NNNN)", make_string(f, s.name), make_string(f, s.description),
                                       make_string(f, s.condition), make_list(f, &s.actions));
        if (step == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, step);
    }
    if (got < 0) {
        Py_DECREF(out);
        return changed_error();
    }
    return out;
}

/* ---- File ---- */

static PyObject *raise_decode_error(const drv_error *err) {
    PyObject *args = Py_BuildValue("(isKs)", err->code, drv_status_name(err->code),
                                   (unsigned long long)err->offset, err->message);
    if (args != NULL) {
        PyErr_SetObject(DecodeError, args);
        Py_DECREF(args);
    }
    return NULL;
}

static void file_release(FileObject *self) {
    if (self->has_view) {
        PyBuffer_Release(&self->view);
        self->has_view = 0;
    }
    PyMem_Free(self->v1_index);
    self->v1_index = NULL;
    self->file.v1_index = NULL;
}

static int file_init(FileObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"buffer", NULL};
    PyObject *buffer;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &buffer)) {
        return -1;
    }
    if (self->initialised) {
        /* rules handed out hold views into the first buffer: it can never be swapped */
        PyErr_SetString(PyExc_TypeError, "File is already initialised; create a new File instead");
        return -1;
    }
    self->initialised = 1;
    /* Validate into locals (the GIL is released meanwhile): `self` holds nothing until
       the buffer is known to be valid, so a concurrent close() has nothing to release. */
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    drv_file file;
    drv_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = drv_open(&file, view.buf, (size_t)view.len, &err);
    Py_END_ALLOW_THREADS
    if (rc != DRV_OK) {
        PyBuffer_Release(&view);
        raise_decode_error(&err);
        return -1;
    }
    uint32_t *index = NULL;
    if (file.version == 1 && file.string_count > 0) {
        /* v1 strings are length-prefixed: index them once (count <= len / 2, validated). */
        index = PyMem_Malloc(sizeof(uint32_t) * file.string_count);
        if (index == NULL || drv_v1_index_strings(&file, index, file.string_count) != DRV_OK) {
            PyMem_Free(index);
            PyBuffer_Release(&view);
            PyErr_NoMemory();
            return -1;
        }
        file.v1_index = index;
    }
    self->view = view;
    self->file = file;
    self->v1_index = index;
    self->has_view = 1;
    return 0;
}

static void file_dealloc(FileObject *self) {
    file_release(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *file_close(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    file_release(self);
    Py_RETURN_NONE;
}

static PyObject *file_string(FileObject *self, PyObject *arg) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    unsigned long ref = PyLong_AsUnsignedLong(arg);
    if (ref == (unsigned long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    if (ref >= self->file.string_count) {
        PyErr_Format(PyExc_IndexError, "string index %lu out of range (%u strings)", ref,
                     (unsigned)self->file.string_count);
        return NULL;
    }
    return make_string(&self->file, (uint32_t)ref);
}

static PyObject *file_sources(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    return make_list(&self->file, &self->file.sources);
}

static PyObject *file_scopes(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    const drv_file *f = &self->file;
    uint32_t n = f->has_scopes ? f->scope_count : 0;
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (uint32_t i = 0; out != NULL && i < n; i++) {
        drv_scope sc;
        if (drv_scope_at(f, i, &sc) != 1) {
            Py_DECREF(out);
            return changed_error();
        }
        PyObject *name = make_string(f, sc.name);
        PyObject *description = name == NULL ? NULL : make_string(f, sc.description);
        PyObject *globs = description == NULL ? NULL : make_list(f, &sc.globs);
        PyObject *t = globs == NULL ? NULL : Py_BuildValue("(OOOi)", name, description, globs, (int)sc.activation);
        Py_XDECREF(name);
        Py_XDECREF(description);
        Py_XDECREF(globs);
        if (t == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    return out;
}

static PyObject *file_sections(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    uint32_t n = self->file.version == 2 ? self->file.section_count : 0;
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (uint32_t i = 0; out != NULL && i < n; i++) {
        drv_section s;
        drv_section_at(&self->file, i, &s);
        PyObject *t = Py_BuildValue("(IIKK)", s.type, s.flags, (unsigned long long)s.offset,
                                    (unsigned long long)s.length);
        if (t == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    return out;
}

static PyObject *file_digest_ranges(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    uint64_t off[3], len[3];
    int n = drv_digest_ranges(&self->file, off, len);
    PyObject *out = PyList_New(n);
    for (int i = 0; out != NULL && i < n; i++) {
        PyObject *t = Py_BuildValue("(KK)", (unsigned long long)off[i], (unsigned long long)len[i]);
        if (t == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

static PyObject *file_signature_slot(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    if (self->file.version != 2 || !self->file.has_signature) {
        Py_RETURN_NONE;
    }
    return Py_BuildValue("(KK)", (unsigned long long)self->file.signature_off,
                         (unsigned long long)self->file.signature_len);
}

static PyObject *file_rules(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    if (ensure_open(self) < 0) {
        return NULL;
    }
    RuleIterObject *it = PyObject_New(RuleIterObject, &RuleIterType);
    if (it == NULL) {
        return NULL;
    }
    Py_INCREF(self);
    it->owner = self;
    drv_rules_begin(&self->file, &it->it);
    return (PyObject *)it;
}

static PyObject *file_enter(FileObject *self, PyObject *Py_UNUSED(ignored)) {
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *file_exit(FileObject *self, PyObject *Py_UNUSED(args)) {
    file_release(self);
    Py_RETURN_NONE;
}

#define FILE_INT_GETTER(name, expr)                                          \
    static PyObject *file_get_##name(FileObject *self, void *Py_UNUSED(c)) { \
        if (ensure_open(self) < 0) {                                         \
            return NULL;                                                     \
        }                                                                    \
        return PyLong_FromUnsignedLongLong((unsigned long long)(expr));      \
    }

FILE_INT_GETTER(version, self->file.version)
FILE_INT_GETTER(flags, self->file.flags)
FILE_INT_GETTER(section_count, self->file.section_count)
FILE_INT_GETTER(rule_count, self->file.rule_count)
FILE_INT_GETTER(string_count, self->file.string_count)
FILE_INT_GETTER(step_count, self->file.step_count)
FILE_INT_GETTER(word_count, self->file.word_count)
FILE_INT_GETTER(length, self->file.len)
FILE_INT_GETTER(v1_checksum, self->file.v1_checksum)
FILE_INT_GETTER(v1_sections, self->file.v1_sections)

static PyObject *file_get_closed(FileObject *self, void *Py_UNUSED(c)) {
    return PyBool_FromLong(!self->has_view);
}

static PyGetSetDef file_getset[] = {
    {"version", (getter)file_get_version, NULL, "format version (1 or 2)", NULL},
    {"flags", (getter)file_get_flags, NULL, "header flags", NULL},
    {"section_count", (getter)file_get_section_count, NULL, "section count stored in the header", NULL},
    {"rule_count", (getter)file_get_rule_count, NULL, "number of rules", NULL},
    {"string_count", (getter)file_get_string_count, NULL, "number of strings in the table", NULL},
    {"step_count", (getter)file_get_step_count, NULL, "v2: number of workflow step records", NULL},
    {"word_count", (getter)file_get_word_count, NULL, "v2: number of list pool words", NULL},
    {"length", (getter)file_get_length, NULL, "buffer length in bytes", NULL},
    {"v1_checksum", (getter)file_get_v1_checksum, NULL, "v1: stored 4-byte checksum as an LE integer", NULL},
    {"v1_sections", (getter)file_get_v1_sections, NULL, "v1: sections found, the string table included", NULL},
    {"closed", (getter)file_get_closed, NULL, "True once the buffer has been released", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef file_methods[] = {
    {"close", (PyCFunction)file_close, METH_NOARGS, "Release the buffer; rules read afterwards raise ValueError."},
    {"string", (PyCFunction)file_string, METH_O, "String i of the table as str."},
    {"sources", (PyCFunction)file_sources, METH_NOARGS, "The compiled source files (v2), as a list of str."},
    {"scopes", (PyCFunction)file_scopes, METH_NOARGS,
     "v2 SCOPES: [(name, description or None, globs, activation)]; empty when the file has none."},
    {"sections", (PyCFunction)file_sections, METH_NOARGS, "v2 section table: [(type, flags, offset, length)]."},
    {"digest_ranges", (PyCFunction)file_digest_ranges, METH_NOARGS, "[(offset, length)] covered by the digest."},
    {"signature_slot", (PyCFunction)file_signature_slot, METH_NOARGS, "(offset, length) of SIGNATURE, or None."},
    {"rules", (PyCFunction)file_rules, METH_NOARGS, "A lazy iterator over the rules, in file order."},
    {"__enter__", (PyCFunction)file_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)file_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FileType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "drvls._drvnative.File",
    .tp_basicsize = sizeof(FileObject),
    .tp_dealloc = (destructor)file_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A validated .drv buffer (zero-copy view; holds the buffer until close()).",
    .tp_methods = file_methods,
    .tp_getset = file_getset,
    .tp_init = (initproc)file_init,
    .tp_new = PyType_GenericNew,
};

/* ---- rule iterator ---- */

static void iter_dealloc(RuleIterObject *self) {
    Py_XDECREF(self->owner);
    PyObject_Free(self);
}

static PyObject *iter_next(RuleIterObject *self) {
    if (ensure_open(self->owner) < 0) {
        return NULL;
    }
    drv_rule r;
    int got = drv_rule_next(&self->it, &r);
    if (got == 0) {
        return NULL;
    }
    if (got < 0) {
        return changed_error();
    }
    RuleObject *rule = PyObject_New(RuleObject, &RuleType);
    if (rule == NULL) {
        return NULL;
    }
    Py_INCREF(self->owner);
    rule->owner = self->owner;
    rule->rule = r;
    return (PyObject *)rule;
}

static PyTypeObject RuleIterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "drvls._drvnative.RuleIterator",
    .tp_basicsize = sizeof(RuleIterObject),
    .tp_dealloc = (destructor)iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)iter_next,
};

/* ---- Rule ---- */

enum field {
    F_KIND, F_INDEX, F_OFFSET, F_CATEGORY, F_PRIORITY, F_LINE, F_SOURCE_FILE,
    F_NAME, F_ROLE, F_IDENTITY, F_STYLE, F_TRAITS, F_PRINCIPLES, F_DESCRIPTION, F_PATTERN,
    F_INCLUDES, F_EXCLUDES, F_FOCUS, F_DEPENDENCIES, F_STEPS, F_CONTENT, F_SCOPE
};

static void rule_dealloc(RuleObject *self) {
    Py_XDECREF(self->owner);
    PyObject_Free(self);
}

/* Which (kind, slot) a field reads; -1 when the field does not apply to the kind. */
static int slot_for(uint8_t kind, int field) {
    switch (field) {
    case F_NAME: return (kind == DRV_KIND_PERSONA || kind == DRV_KIND_WORKFLOW) ? 0 : -1;
    case F_ROLE: return kind == DRV_KIND_PERSONA ? 1 : -1;
    case F_IDENTITY: return kind == DRV_KIND_PERSONA ? 2 : -1;
    case F_STYLE: return kind == DRV_KIND_PERSONA ? 3 : -1;
    case F_TRAITS: return kind == DRV_KIND_PERSONA ? 0 : -1;
    case F_PRINCIPLES: return kind == DRV_KIND_PERSONA ? 1 : -1;
    case F_DESCRIPTION: return kind == DRV_KIND_STANDARD ? 0 : -1;
    case F_PATTERN: return kind == DRV_KIND_STANDARD ? 1 : -1;
    case F_INCLUDES: return kind == DRV_KIND_CONTEXT ? 0 : -1;
    case F_EXCLUDES: return kind == DRV_KIND_CONTEXT ? 1 : -1;
    case F_FOCUS: return kind == DRV_KIND_CONTEXT ? 2 : -1;
    case F_DEPENDENCIES: return kind == DRV_KIND_CONTEXT ? 3 : -1;
    case F_STEPS: return kind == DRV_KIND_WORKFLOW ? 0 : -1;
    case F_CONTENT: return kind == DRV_KIND_RAW ? 0 : -1;
    default: return -1;
    }
}

static PyObject *rule_get(RuleObject *self, void *closure) {
    int field = (int)(intptr_t)closure;
    const drv_rule *r = &self->rule;
    if (ensure_open(self->owner) < 0) {
        return NULL;
    }
    const drv_file *f = &self->owner->file;
    switch (field) {
    case F_KIND: return PyLong_FromLong(r->kind);
    case F_INDEX: return PyLong_FromUnsignedLong(r->index);
    case F_OFFSET: return PyLong_FromUnsignedLongLong((unsigned long long)r->offset);
    case F_CATEGORY: return PyLong_FromLong(r->category);
    case F_PRIORITY: return PyLong_FromLong(r->priority);
    case F_LINE:
        if (r->line == 0) {
            Py_RETURN_NONE;
        }
        return PyLong_FromUnsignedLong(r->line);
    case F_SOURCE_FILE: return make_string(f, r->source_file);
    case F_SCOPE:
        if (r->scope == DRV_ABSENT) {
            Py_RETURN_NONE;
        }
        return PyLong_FromUnsignedLong(r->scope);
    default: break;
    }
    int slot = slot_for(r->kind, field);
    if (slot < 0) {
        Py_RETURN_NONE;
    }
    switch (field) {
    case F_TRAITS: case F_PRINCIPLES: case F_INCLUDES: case F_EXCLUDES: case F_FOCUS:
        return make_list(f, &r->list[slot]);
    case F_DEPENDENCIES:
        return make_pairs(f, &r->list[slot]);
    case F_STEPS:
        return make_steps(f, r);
    default:
        return make_string(f, r->str[slot]);
    }
}

#define RULE_FIELD(name, id, doc) {name, (getter)rule_get, NULL, doc, (void *)(intptr_t)(id)}

static PyGetSetDef rule_getset[] = {
    RULE_FIELD("kind", F_KIND, "record kind: 1 persona, 2 standard, 3 context, 4 workflow, 5 raw"),
    RULE_FIELD("index", F_INDEX, "position in the rule list"),
    RULE_FIELD("offset", F_OFFSET, "byte offset of the record"),
    RULE_FIELD("category", F_CATEGORY, "standard: category byte"),
    RULE_FIELD("priority", F_PRIORITY, "standard: priority, 0 = highest"),
    RULE_FIELD("line", F_LINE, "1-based source line, or None"),
    RULE_FIELD("source_file", F_SOURCE_FILE, "source file, or None"),
    RULE_FIELD("name", F_NAME, "persona or workflow name"),
    RULE_FIELD("role", F_ROLE, "persona role"),
    RULE_FIELD("identity", F_IDENTITY, "persona identity, or None"),
    RULE_FIELD("style", F_STYLE, "persona style, or None"),
    RULE_FIELD("traits", F_TRAITS, "persona traits"),
    RULE_FIELD("principles", F_PRINCIPLES, "persona principles"),
    RULE_FIELD("description", F_DESCRIPTION, "standard description"),
    RULE_FIELD("pattern", F_PATTERN, "standard pattern, or None"),
    RULE_FIELD("includes", F_INCLUDES, "context includes"),
    RULE_FIELD("excludes", F_EXCLUDES, "context excludes"),
    RULE_FIELD("focus", F_FOCUS, "context focus"),
    RULE_FIELD("dependencies", F_DEPENDENCIES, "context dependencies as (name, version) pairs"),
    RULE_FIELD("steps", F_STEPS, "workflow steps as (name, description, condition, actions)"),
    RULE_FIELD("content", F_CONTENT, "raw rule text"),
    RULE_FIELD("scope", F_SCOPE, "index into File.scopes(), or None when the rule is unscoped"),
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject RuleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "drvls._drvnative.Rule",
    .tp_basicsize = sizeof(RuleObject),
    .tp_dealloc = (destructor)rule_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A view of one rule record; attributes create Python objects on access.",
    .tp_getset = rule_getset,
};

/* ---- module ---- */

static PyObject *status_name(PyObject *Py_UNUSED(module), PyObject *arg) {
    long code = PyLong_AsLong(arg);
    if (code == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return PyUnicode_FromString(drv_status_name((int)code));
}

static PyMethodDef module_methods[] = {
    {"status_name", status_name, METH_O, "The name of a decoder status code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "drvls._drvnative",
    "Zero-copy .drv validation and lazy rule access (C).", -1, module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__drvnative(void) {
    if (PyType_Ready(&FileType) < 0 || PyType_Ready(&RuleType) < 0 || PyType_Ready(&RuleIterType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL) {
        return NULL;
    }
    DecodeError = PyErr_NewExceptionWithDoc("drvls._drvnative.DecodeError",
                                            "A .drv buffer failed validation: args = (code, name, offset, message).",
                                            PyExc_ValueError, NULL);
    Py_INCREF(&FileType);
    Py_INCREF(&RuleType);
    if (DecodeError == NULL || PyModule_AddObject(m, "DecodeError", DecodeError) < 0 ||
        PyModule_AddObject(m, "File", (PyObject *)&FileType) < 0 ||
        PyModule_AddObject(m, "Rule", (PyObject *)&RuleType) < 0 ||
        PyModule_AddIntConstant(m, "ABSENT", (long)DRV_ABSENT) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
