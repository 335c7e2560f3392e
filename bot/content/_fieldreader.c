/* The fast paths of fields.py's `read()` and `build()`: a faultless mapping read against a model's field table,
 * and the frozen model built from what was read, in C.
 *
 * Reading a large pack's fields in Python costs some 34,000 instructions a record, most of them the interpreter
 * walking the table. This module walks the same table (compiled to tuples by fields.py's `_compiled`) and makes
 * the same Record objects, calling the same rules and the same patterns and converters. It only accepts: at the
 * first thing the Python reader would report (an unknown or missing key, a wrong type, an empty or too long
 * text, a pattern that does not match...) it gives up and returns None, and fields.py reads the mapping again
 * the Python way, which words every fault. So every message stays in Python, in one place, and the tests check
 * that on the rest the two read the same.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* An entry's kind, as fields.py's `_KINDS` numbers them. */
enum { GROUP = 0, TEXT = 1, WHOLE = 2, TEXTS = 3, RECORD = 4, RECORDS = 5 };

/* The shapes `_compiled` makes. A Spec entry: (name, kind, key in the record's values, required, the key of
 * required_with or None, max_len or -1, the pattern's match or None, convert or None, minimum, max_items or -1,
 * the compiled model of a record or None). A group entry (a nested mapping of dotted keys): (name, GROUP,
 * whether one of its leaves is required, its level). A level: (frozenset of names, entries). A compiled model:
 * (model, level, plan), where the plan is what `build()` walks: for each field of the model, (attribute, kind,
 * key in the record's values, what the loader must give instead (a str, empty if nothing), the compiled model
 * of a record or None). */
enum { E_NAME, E_KIND, E_KEY, E_REQUIRED, E_REQUIRED_WITH, E_MAX_LEN, E_MATCH, E_CONVERT, E_MINIMUM, E_MAX_ITEMS, E_MODEL };
enum { G_REQUIRED = 2, G_LEVEL = 3 };
enum { C_MODEL, C_LEVEL, C_PLAN };
enum { P_NAME, P_KIND, P_KEY, P_INTO, P_MODEL };

typedef struct {
    PyObject *rules;  /* dict: model -> rule(record), or None */
    PyObject *record; /* the Record class */
    PyObject *faults; /* the faults list every record of this read shares */
    int declined;     /* something the Python reader would report: it reads the mapping again */
} Reader;

static PyObject *read_model(Reader *r, PyObject *compiled, PyObject *data, PyObject *path);

static PyObject *decline(Reader *r)
{
    r->declined = 1;
    return NULL;
}

/* str.strip() of a str: the same white space (Py_UNICODE_ISSPACE), the same object when there is none. */
static PyObject *stripped(PyObject *text)
{
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *chars = PyUnicode_DATA(text);
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, chars, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, chars, end - 1)))
        end--;
    return PyUnicode_Substring(text, start, end);
}

/* A value as text, as `_text` and `_texts` take it: a str, or a number's digits (true/false are not text). */
static PyObject *as_text(Reader *r, PyObject *value)
{
    if (PyUnicode_CheckExact(value))
        return stripped(value);
    if (PyBool_Check(value) || !(PyUnicode_Check(value) || PyLong_Check(value) || PyFloat_Check(value)))
        return decline(r);
    PyObject *text = PyObject_Str(value);
    PyObject *out = text != NULL ? stripped(text) : NULL;
    Py_XDECREF(text);
    return out;
}

/* Whether `text` (not empty) fits the entry's length and pattern: 1, 0 (declined), or -1 on an error. */
static int fits(Reader *r, PyObject *entry, PyObject *text)
{
    Py_ssize_t max_len = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, E_MAX_LEN));
    if (max_len == -1 && PyErr_Occurred())
        return -1;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    if (length == 0 || (max_len >= 0 && length > max_len)) {
        r->declined = 1;
        return 0;
    }
    PyObject *match = PyTuple_GET_ITEM(entry, E_MATCH);
    if (match == Py_None)
        return 1;
    PyObject *found = PyObject_CallOneArg(match, text);
    if (found == NULL)
        return -1;
    int ok = found != Py_None;
    Py_DECREF(found);
    r->declined |= !ok;
    return ok;
}

static PyObject *text_value(Reader *r, PyObject *entry, PyObject *value)
{
    PyObject *text = as_text(r, value);
    if (text == NULL)
        return NULL;
    int ok = fits(r, entry, text);
    PyObject *convert = PyTuple_GET_ITEM(entry, E_CONVERT);
    if (ok <= 0 || convert == Py_None) {
        if (ok <= 0)
            Py_CLEAR(text);
        return text;
    }
    PyObject *out = PyObject_CallOneArg(convert, text);
    Py_DECREF(text);
    return out;
}

static PyObject *whole_value(Reader *r, PyObject *entry, PyObject *value)
{
    if (!PyLong_CheckExact(value)) /* true/false are ints to Python, not whole numbers to an editor */
        return decline(r);
    int low = PyObject_RichCompareBool(value, PyTuple_GET_ITEM(entry, E_MINIMUM), Py_LT);
    if (low != 0)
        return low < 0 ? NULL : decline(r);
    return Py_NewRef(value);
}

/* A `texts` field: a tuple of (index, text) pairs. */
static PyObject *texts_value(Reader *r, PyObject *entry, PyObject *value)
{
    if (!PyList_Check(value))
        return decline(r);
    Py_ssize_t count = PyList_GET_SIZE(value);
    Py_ssize_t max_items = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, E_MAX_ITEMS));
    if (max_items == -1 && PyErr_Occurred())
        return NULL;
    if (max_items >= 0 && count > max_items)
        return decline(r);
    PyObject *out = PyTuple_New(count);
    for (Py_ssize_t i = 0; out != NULL && i < count; i++) {
        PyObject *text = as_text(r, PyList_GET_ITEM(value, i));
        int ok = text != NULL ? fits(r, entry, text) : -1;
        PyObject *pair = ok > 0 ? Py_BuildValue("(nN)", i, text) : NULL;
        if (pair == NULL) {
            if (ok <= 0)
                Py_XDECREF(text);
            Py_CLEAR(out);
            break;
        }
        PyTuple_SET_ITEM(out, i, pair);
    }
    return out;
}

/* (*path, name) */
static PyObject *child(PyObject *path, PyObject *name)
{
    PyObject *one = PyTuple_Pack(1, name);
    PyObject *out = one != NULL ? PySequence_Concat(path, one) : NULL;
    Py_XDECREF(one);
    return out;
}

static PyObject *records_value(Reader *r, PyObject *entry, PyObject *value, PyObject *path)
{
    if (!PyList_Check(value) || (PyTuple_GET_ITEM(entry, E_REQUIRED) == Py_True && PyList_GET_SIZE(value) == 0))
        return decline(r);
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = 0; out != NULL && i < PyList_GET_SIZE(value); i++) {
        PyObject *item = PyList_GET_ITEM(value, i);
        PyObject *index = PyLong_FromSsize_t(i);
        PyObject *where = index != NULL ? child(path, index) : NULL;
        Py_XDECREF(index);
        PyObject *rec = NULL;
        if (where != NULL)
            rec = PyDict_Check(item) ? read_model(r, PyTuple_GET_ITEM(entry, E_MODEL), item, where) : decline(r);
        Py_XDECREF(where);
        if (rec == NULL || PyList_Append(out, rec) < 0)
            Py_CLEAR(out);
        Py_XDECREF(rec);
    }
    return out;
}

/* One Spec entry's value read from `value` (present, not None): a new reference, or NULL (declined or an error). */
static PyObject *field_value(Reader *r, PyObject *entry, long kind, PyObject *value, PyObject *path)
{
    switch (kind) {
    case TEXT:
        return text_value(r, entry, value);
    case WHOLE:
        return whole_value(r, entry, value);
    case TEXTS:
        return texts_value(r, entry, value);
    case RECORD: {
        if (!PyDict_Check(value))
            return decline(r);
        PyObject *where = child(path, PyTuple_GET_ITEM(entry, E_NAME));
        PyObject *out = where != NULL ? read_model(r, PyTuple_GET_ITEM(entry, E_MODEL), value, where) : NULL;
        Py_XDECREF(where);
        return out;
    }
    case RECORDS: {
        PyObject *where = child(path, PyTuple_GET_ITEM(entry, E_NAME));
        PyObject *out = where != NULL ? records_value(r, entry, value, where) : NULL;
        Py_XDECREF(where);
        return out;
    }
    default:
        PyErr_SetString(PyExc_ValueError, "unknown kind of field");
        return NULL;
    }
}

/* `_read_level`: every entry of `level` read from `data` into `values`. 0, or -1 (declined or an error). */
static int read_level(Reader *r, PyObject *level, PyObject *data, PyObject *path, PyObject *values)
{
    PyObject *names = PyTuple_GET_ITEM(level, 0), *entries = PyTuple_GET_ITEM(level, 1);
    PyObject *key;
    Py_ssize_t at = 0;
    while (PyDict_Next(data, &at, &key, NULL)) {
        int known = PySet_Contains(names, key);
        if (known <= 0) {
            r->declined |= known == 0; /* an unknown field */
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(entries); i++) {
        PyObject *entry = PyTuple_GET_ITEM(entries, i);
        PyObject *value = PyDict_GetItemWithError(data, PyTuple_GET_ITEM(entry, E_NAME));
        if (value == NULL && PyErr_Occurred())
            return -1;
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(entry, E_KIND));
        if (kind == -1 && PyErr_Occurred())
            return -1;
        if (kind == GROUP) {
            if (value == NULL || value == Py_None) {
                if (PyTuple_GET_ITEM(entry, G_REQUIRED) == Py_True)
                    return (r->declined = 1), -1;
                continue;
            }
            if (!PyDict_Check(value))
                return (r->declined = 1), -1;
            PyObject *where = child(path, PyTuple_GET_ITEM(entry, E_NAME));
            int done = where != NULL ? read_level(r, PyTuple_GET_ITEM(entry, G_LEVEL), value, where, values) : -1;
            Py_XDECREF(where);
            if (done < 0)
                return -1;
            continue;
        }
        if (value == NULL || value == Py_None) {
            PyObject *with = PyTuple_GET_ITEM(entry, E_REQUIRED_WITH);
            int needed = PyTuple_GET_ITEM(entry, E_REQUIRED) == Py_True;
            if (!needed && with != Py_None && (needed = PyDict_Contains(values, with)) < 0)
                return -1;
            if (needed)
                return (r->declined = 1), -1;
            continue;
        }
        PyObject *found = field_value(r, entry, kind, value, path);
        if (found == NULL)
            return -1;
        int stored = found == Py_None ? 0 : PyDict_SetItem(values, PyTuple_GET_ITEM(entry, E_KEY), found);
        Py_DECREF(found);
        if (stored < 0)
            return -1;
    }
    return 0;
}

/* `read()` of one mapping: its Record, once its level is read and its model's rule has seen it. */
static PyObject *read_model(Reader *r, PyObject *compiled, PyObject *data, PyObject *path)
{
    PyObject *model = PyTuple_GET_ITEM(compiled, 0);
    PyObject *values = PyDict_New();
    if (values == NULL || read_level(r, PyTuple_GET_ITEM(compiled, 1), data, path, values) < 0) {
        Py_XDECREF(values);
        return NULL;
    }
    PyObject *rec = PyObject_CallFunctionObjArgs(r->record, path, data, r->faults, values, NULL);
    Py_DECREF(values);
    PyObject *rule = rec != NULL && r->rules != Py_None ? PyDict_GetItemWithError(r->rules, model) : NULL;
    if (rule != NULL) {
        PyObject *done = PyObject_CallOneArg(rule, rec);
        if (done == NULL)
            Py_CLEAR(rec);
        Py_XDECREF(done);
    } else if (PyErr_Occurred()) {
        Py_CLEAR(rec);
    }
    return rec;
}

PyDoc_STRVAR(read_doc,
             "read(compiled, data, path, rules, record, /)\n--\n\n"
             "The Record fields.py's `read()` makes of the dict `data` at `path`, with a new list of faults that\n"
             "only rules have added to; or None at the first fault the field table itself finds. `compiled` is\n"
             "fields.py's `_compiled(model)`, `rules` a dict from model to rule (or None), `record` the Record class.");

static PyObject *read_record(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5 || !PyTuple_Check(args[0]) || !PyDict_Check(args[1]) || !PyTuple_Check(args[2]) ||
        !(args[3] == Py_None || PyDict_Check(args[3]))) {
        PyErr_SetString(PyExc_TypeError, "read(compiled, data: dict, path: tuple, rules: dict | None, record)");
        return NULL;
    }
    Reader r = {.rules = args[3], .record = args[4], .faults = PyList_New(0)};
    if (r.faults == NULL)
        return NULL;
    PyObject *rec = read_model(&r, args[0], args[1], args[2]);
    Py_DECREF(r.faults);
    if (rec == NULL && r.declined && !PyErr_Occurred())
        return Py_NewRef(Py_None);
    return rec;
}

/* --- build(): the model from a faultless Record --- */

static PyObject *values_name; /* "values", interned */

/* NULL with no exception set: a field the loader must give was not given. fields.py's `_build` then builds the
 * model, and words the error, so the message stays in Python. */
static PyObject *build_model(PyObject *compiled, PyObject *rec, PyObject *given);

/* A tuple of `value`'s items, each as a texts field keeps it (without its index in the YAML list,
 * `itemgetter(1)`) or, given a compiled model, built as that model. */
static PyObject *items_of(PyObject *value, PyObject *compiled)
{
    PyObject *items = PySequence_Fast(value, "a texts or records field holds a sequence");
    if (items == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    PyObject *out = PyTuple_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        PyObject *kept = compiled == Py_None ? PySequence_GetItem(item, 1) : build_model(compiled, item, NULL);
        if (kept == NULL)
            Py_CLEAR(out);
        else
            PyTuple_SET_ITEM(out, i, kept);
    }
    Py_DECREF(items);
    return out;
}

/* What the model's constructor is given for one field, from its value as read (NULL: not read). */
static PyObject *argument_of(PyObject *entry, PyObject *value)
{
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(entry, P_KIND));
    PyObject *sub = PyTuple_GET_ITEM(entry, P_MODEL);
    int truth = value == NULL ? 0 : PyObject_IsTrue(value);
    if (truth < 0)
        return NULL;
    switch (kind) {
    case TEXTS:
    case RECORDS:
        return truth ? items_of(value, sub) : PyTuple_New(0);
    case RECORD:
        return value == NULL || value == Py_None ? Py_NewRef(Py_None) : build_model(sub, value, NULL);
    default:
        return Py_NewRef(value == NULL ? Py_None : value);
    }
}

/* The argument of one field, added to `arguments` unless given there: 0, or -1 (an exception set, or none when
 * the loader had to give it). */
static int add_field(PyObject *entry, PyObject *values, PyObject *arguments)
{
    PyObject *name = PyTuple_GET_ITEM(entry, P_NAME);
    int given = PyDict_Contains(arguments, name);
    if (given != 0)
        return given < 0 ? -1 : 0;
    if (PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(entry, P_INTO)) > 0)
        return -1;
    PyObject *value = PyDict_GetItemWithError(values, PyTuple_GET_ITEM(entry, P_KEY));
    if (value == NULL && PyErr_Occurred())
        return -1;
    PyObject *argument = argument_of(entry, value);
    int failed = argument == NULL || PyDict_SetItem(arguments, name, argument) < 0;
    Py_XDECREF(argument);
    return failed ? -1 : 0;
}

static PyObject *build_model(PyObject *compiled, PyObject *rec, PyObject *given)
{
    PyObject *model = PyTuple_GET_ITEM(compiled, C_MODEL), *plan = PyTuple_GET_ITEM(compiled, C_PLAN);
    PyObject *values = PyObject_GetAttr(rec, values_name);
    if (values != NULL && !PyDict_Check(values)) {
        PyErr_SetString(PyExc_TypeError, "a record's values must be a dict");
        Py_CLEAR(values);
    }
    PyObject *arguments = values == NULL ? NULL : given != NULL ? PyDict_Copy(given) : PyDict_New();
    PyObject *result = NULL;
    if (arguments != NULL) {
        Py_ssize_t n = PyTuple_GET_SIZE(plan), i = 0;
        while (i < n && add_field(PyTuple_GET_ITEM(plan, i), values, arguments) == 0)
            i++;
        if (i == n) {
            PyObject *none = PyTuple_New(0);
            result = none == NULL ? NULL : PyObject_Call(model, none, arguments);
            Py_XDECREF(none);
        }
    }
    Py_XDECREF(arguments);
    Py_XDECREF(values);
    return result;
}

PyDoc_STRVAR(build_doc,
             "build(compiled, record, given, /)\n--\n\n"
             "The frozen model fields.py's `build()` makes of a faultless Record, `given` (a dict) supplying and\n"
             "overriding fields; `compiled` is fields.py's `_compiled(model)`. None when a field the loader must\n"
             "give (here, or in a nested model) was not given: `_build` says which.");

static PyObject *build_record(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3 || !PyTuple_Check(args[0]) || PyTuple_GET_SIZE(args[0]) <= C_PLAN || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "build(compiled: tuple, record, given: dict)");
        return NULL;
    }
    PyObject *model = build_model(args[0], args[1], args[2]);
    return model == NULL && !PyErr_Occurred() ? Py_NewRef(Py_None) : model;
}

static PyMethodDef methods[] = {
    {"read", (PyCFunction)(void (*)(void))read_record, METH_FASTCALL, read_doc},
    {"build", (PyCFunction)(void (*)(void))build_record, METH_FASTCALL, build_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bot.content._fieldreader",
    .m_doc = "A faultless mapping read against a model's field table (or None), and its model built (see fields.py).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__fieldreader(void)
{
    if (values_name == NULL && (values_name = PyUnicode_InternFromString("values")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
