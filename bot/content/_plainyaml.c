/* Plain data straight from libyaml's events: the fast path of the event builder in yamlfile.py.
 *
 * PyYAML's C parser hands every event to Python as an object of its own (a Python class with a Python
 * __init__, and two marks), and at the size of a large pack making those objects costs more than parsing.
 * This module reads the same events from the same library in C and builds the same plain data: dicts, lists,
 * text, and whatever `resolve` (yamlfile.py's scalar rule, in Python) makes of a scalar that may not be text.
 *
 * It takes only the common case. A file with an anchor, an alias, a tag on a collection, a key that is not a
 * scalar, nesting at the depth limit, more than one document or a syntax error is declined (None), and the
 * caller parses it the Python way, which handles it or words the problem. So on a declined file the two
 * cannot disagree, and on the rest the tests check that they build equal data.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

#define MAP_TAG "tag:yaml.org,2002:map"
#define SEQ_TAG "tag:yaml.org,2002:seq"

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;         /* the event being read; zeroed when none is held */
    PyObject *resolve;          /* resolve(text, tag or None) -> the value */
    const unsigned char *maybe; /* 256 flags: a plain scalar starting with this byte may not be text */
    int max_depth;
    int declined;               /* the Python path is to take this file */
    int duplicates;             /* some mapping repeats a key */
    PyObject *top_lines;        /* the 1-based line of each key of the top mapping */
} Builder;

static PyObject *value(Builder *b, int depth);

/* Read the next event; 0 when the parser failed, which declines the file (the Python path words the error). */
static int next(Builder *b)
{
    yaml_event_delete(&b->event);
    if (!yaml_parser_parse(&b->parser, &b->event)) {
        b->declined = 1;
        return 0;
    }
    return 1;
}

static PyObject *decline(Builder *b)
{
    b->declined = 1;
    return NULL;
}

/* Whether a scalar without a tag is text, without asking `resolve`: quoted or block text always is, and so is a
 * plain one that starts with a byte no implicit type starts with, or with a letter and is longer than any
 * implicit type spelled with letters ("false"). The last is a shortcut of yamlfile.py's `_scalar`, as is the
 * next. */
static int is_text(const unsigned char *value, size_t length, int plain, const unsigned char *maybe)
{
    if (!plain)
        return 1;
    if (length == 0)
        return 0;
    unsigned char first = value[0];
    unsigned char lower = first | 0x20;
    return !maybe[first] || (length > 5 && lower >= 'a' && lower <= 'z');
}

/* A plain decimal that fits a C long long, as an int; NULL (with no error) for anything else. A leading 0 would
 * make it octal: resolve decides that. */
static PyObject *decimal(const unsigned char *value, size_t length)
{
    if (length == 0 || length > 18 || (value[0] == '0' && length > 1))
        return NULL;
    long long number = 0;
    for (size_t i = 0; i < length; i++) {
        if (value[i] < '0' || value[i] > '9')
            return NULL;
        number = number * 10 + (value[i] - '0');
    }
    return PyLong_FromLongLong(number);
}

static PyObject *scalar(Builder *b)
{
    const yaml_event_t *e = &b->event;
    if (e->data.scalar.anchor != NULL)
        return decline(b);
    const unsigned char *raw = e->data.scalar.value;
    size_t length = e->data.scalar.length;
    if (e->data.scalar.tag == NULL && e->data.scalar.plain_implicit) {
        PyObject *number = decimal(raw, length);
        if (number != NULL || PyErr_Occurred())
            return number;
    }
    PyObject *text = PyUnicode_DecodeUTF8((const char *)raw, (Py_ssize_t)length, "strict");
    if (text == NULL || (e->data.scalar.tag == NULL && is_text(raw, length, e->data.scalar.plain_implicit, b->maybe)))
        return text;
    PyObject *tag = e->data.scalar.tag != NULL ? PyUnicode_FromString((const char *)e->data.scalar.tag)
                                               : Py_NewRef(Py_None);
    PyObject *out = tag != NULL ? PyObject_CallFunctionObjArgs(b->resolve, text, tag, NULL) : NULL;
    Py_XDECREF(tag);
    Py_DECREF(text);
    return out;
}

/* A collection's own tag, if any, must be the non-specific one or its kind's: any other needs PyYAML. */
static int plain_collection(const yaml_char_t *tag, const char *kind)
{
    return tag == NULL || strcmp((const char *)tag, "!") == 0 || strcmp((const char *)tag, kind) == 0;
}

static PyObject *mapping(Builder *b, int depth)
{
    PyObject *out = PyDict_New();
    while (out != NULL) {
        if (!next(b))
            break;
        if (b->event.type == YAML_MAPPING_END_EVENT)
            return out;
        if (b->event.type != YAML_SCALAR_EVENT) {
            decline(b);
            break;
        }
        PyObject *key = scalar(b);
        if (key == NULL)
            break;
        if (depth == 1) {
            /* scalar() reads no further: the event is still the key's. */
            PyObject *number = PyLong_FromLong((long)b->event.start_mark.line + 1);
            /* A repeated key: its first line, as the node tree would say. */
            PyObject *kept = number != NULL ? PyDict_SetDefault(b->top_lines, key, number) : NULL;
            Py_XDECREF(number);
            if (kept == NULL) {
                Py_DECREF(key);
                break;
            }
        }
        PyObject *item = next(b) ? value(b, depth) : NULL;
        int repeated = item != NULL ? PyDict_Contains(out, key) : -1;
        int stored = repeated >= 0 ? PyDict_SetItem(out, key, item) : -1;
        b->duplicates |= repeated > 0;
        Py_DECREF(key);
        Py_XDECREF(item);
        if (stored < 0)
            break;
    }
    Py_XDECREF(out);
    return NULL;
}

static PyObject *sequence(Builder *b, int depth)
{
    PyObject *out = PyList_New(0);
    while (out != NULL) {
        if (!next(b))
            break;
        if (b->event.type == YAML_SEQUENCE_END_EVENT)
            return out;
        PyObject *item = value(b, depth);
        int stored = item != NULL ? PyList_Append(out, item) : -1;
        Py_XDECREF(item);
        if (stored < 0)
            break;
    }
    Py_XDECREF(out);
    return NULL;
}

/* The node that starts at the current event. */
static PyObject *value(Builder *b, int depth)
{
    const yaml_event_t *e = &b->event;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        return scalar(b);
    case YAML_MAPPING_START_EVENT:
        if (e->data.mapping_start.anchor != NULL || !plain_collection(e->data.mapping_start.tag, MAP_TAG) ||
            depth >= b->max_depth)
            return decline(b);
        return mapping(b, depth + 1);
    case YAML_SEQUENCE_START_EVENT:
        if (e->data.sequence_start.anchor != NULL || !plain_collection(e->data.sequence_start.tag, SEQ_TAG) ||
            depth >= b->max_depth)
            return decline(b);
        return sequence(b, depth + 1);
    default: /* an alias */
        return decline(b);
    }
}

/* The one document of the stream, or None for an empty stream. */
static PyObject *document(Builder *b)
{
    if (!next(b) || !next(b)) /* the stream's start, then the document's or the stream's end */
        return NULL;
    if (b->event.type == YAML_STREAM_END_EVENT)
        return Py_NewRef(Py_None);
    PyObject *data = next(b) ? value(b, 0) : NULL;
    if (data != NULL && next(b) && b->event.type == YAML_DOCUMENT_END_EVENT && next(b) &&
        b->event.type == YAML_STREAM_END_EVENT)
        return data;
    Py_XDECREF(data);
    return b->declined || PyErr_Occurred() ? NULL : decline(b); /* a second document */
}

PyDoc_STRVAR(build_doc,
             "build(text, maybe, resolve, max_depth, /)\n--\n\n"
             "(data, whether a mapping repeats a key, {top-level key: line}) from UTF-8 YAML `text`, or None when\n"
             "the file needs PyYAML's own path. `maybe` holds 256 flags, one per first byte of a plain scalar\n"
             "that may not be text; such scalars, and tagged ones, are passed to `resolve(text, tag)`.");

static PyObject *build(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_buffer text, maybe;
    if (nargs != 4 || !PyCallable_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "build(text, maybe, resolve, max_depth)");
        return NULL;
    }
    long max_depth = PyLong_AsLong(args[3]);
    if (max_depth == -1 && PyErr_Occurred())
        return NULL;
    if (max_depth < 0 || max_depth > 1000) {
        PyErr_SetString(PyExc_ValueError, "max_depth must be between 0 and 1000");
        return NULL;
    }
    if (PyObject_GetBuffer(args[0], &text, PyBUF_SIMPLE) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[1], &maybe, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&text);
        return NULL;
    }
    PyObject *result = NULL;
    Builder b = {.resolve = args[2], .maybe = maybe.buf, .max_depth = (int)max_depth, .top_lines = PyDict_New()};
    if (maybe.len != 256)
        PyErr_SetString(PyExc_ValueError, "maybe must hold 256 flags");
    else if (b.top_lines != NULL && yaml_parser_initialize(&b.parser)) {
        yaml_parser_set_input_string(&b.parser, text.buf, (size_t)text.len);
        PyObject *data = document(&b);
        if (data != NULL)
            result = Py_BuildValue("(NOO)", data, b.duplicates ? Py_True : Py_False, b.top_lines);
        else if (b.declined && !PyErr_Occurred())
            result = Py_NewRef(Py_None);
        yaml_event_delete(&b.event);
        yaml_parser_delete(&b.parser);
    } else if (b.top_lines != NULL) {
        PyErr_NoMemory();
    }
    Py_XDECREF(b.top_lines);
    PyBuffer_Release(&maybe);
    PyBuffer_Release(&text);
    return result;
}

static PyMethodDef methods[] = {
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL, build_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bot.content._plainyaml",
    .m_doc = "Plain data from libyaml's events, without a Python object per event (see yamlfile.py).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__plainyaml(void)
{
    return PyModule_Create(&module);
}
