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
#include <structmember.h>
#include <pthread.h>
#include <signal.h>
#include <yaml.h>

#define MAP_TAG "tag:yaml.org,2002:map"
#define SEQ_TAG "tag:yaml.org,2002:seq"

/* --- scanning: a file's events, read by libyaml into an array. No Python here, so it runs without the GIL. --- */

typedef struct {
    yaml_event_t *events;
    size_t count;
    int declined; /* the Python path is to take this file (and there are no events) */
} Scan;

static void scan_free(Scan *s)
{
    for (size_t i = 0; i < s->count; i++)
        yaml_event_delete(&s->events[i]);
    free(s->events);
    s->events = NULL;
    s->count = 0;
}

/* A collection's own tag, if any, must be the non-specific one or its kind's: any other needs PyYAML. */
static int plain_collection(const yaml_char_t *tag, const char *kind)
{
    return tag == NULL || strcmp((const char *)tag, "!") == 0 || strcmp((const char *)tag, kind) == 0;
}

/* Whether the builder takes this event; `depth` counts the collections open around it, and is kept up to date. */
static int takes(const yaml_event_t *e, int *depth, int max_depth)
{
    switch (e->type) {
    case YAML_ALIAS_EVENT:
        return 0;
    case YAML_SCALAR_EVENT:
        return e->data.scalar.anchor == NULL;
    case YAML_MAPPING_START_EVENT:
        return e->data.mapping_start.anchor == NULL && plain_collection(e->data.mapping_start.tag, MAP_TAG) &&
               (*depth)++ < max_depth;
    case YAML_SEQUENCE_START_EVENT:
        return e->data.sequence_start.anchor == NULL && plain_collection(e->data.sequence_start.tag, SEQ_TAG) &&
               (*depth)++ < max_depth;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        (*depth)--;
        return 1;
    default:
        return 1;
    }
}

/* Every event of `text` up to the stream's end; declined at the first event the builder would decline, or when
 * the parser fails (the Python path words the error). */
static void scan(const unsigned char *text, size_t length, int max_depth, Scan *s)
{
    yaml_parser_t parser;
    size_t capacity = 0;
    int depth = 0;
    *s = (Scan){.declined = 1};
    if (!yaml_parser_initialize(&parser))
        return;
    yaml_parser_set_input_string(&parser, text, length);
    for (;;) {
        if (s->count == capacity) {
            size_t grown = capacity ? capacity * 2 : 64;
            yaml_event_t *events = realloc(s->events, grown * sizeof *events);
            if (events == NULL)
                break;
            s->events = events;
            capacity = grown;
        }
        yaml_event_t *e = &s->events[s->count];
        if (!yaml_parser_parse(&parser, e))
            break;
        s->count++;
        if (!takes(e, &depth, max_depth))
            break;
        if (e->type == YAML_STREAM_END_EVENT) {
            s->declined = 0;
            break;
        }
    }
    yaml_parser_delete(&parser);
    if (s->declined)
        scan_free(s);
}

/* --- building: plain data from a scan's events, with the GIL --- */

/* Mapping keys repeat in every file ("text", "quote"...): the text made of a short one is kept and given again,
 * which spares making, hashing and (for those an implicit type may claim) resolving it each time. */
#define KEY_SLOTS 128
#define KEY_BYTES 24

typedef struct {
    PyObject *text; /* NULL while the slot is empty */
    size_t length;
    int plain; /* a plain scalar and a quoted one of the same bytes may mean different things */
    unsigned char bytes[KEY_BYTES];
} KeySlot;

typedef struct {
    KeySlot slot[KEY_SLOTS];
} Keys;

static void keys_clear(Keys *keys)
{
    for (int i = 0; i < KEY_SLOTS; i++)
        Py_CLEAR(keys->slot[i].text);
}

typedef struct {
    const yaml_event_t *at, *end; /* the next event, and the end of the scan */
    const yaml_event_t *event;    /* the event being read */
    PyObject *resolve;            /* resolve(text, tag or None) -> the value */
    const unsigned char *maybe;   /* 256 flags: a plain scalar starting with this byte may not be text */
    int declined;                 /* the Python path is to take this file */
    int duplicates;               /* some mapping repeats a key */
    Keys *keys;                   /* the keys made so far, by this call or the batch's earlier ones */
    PyObject *top_lines;          /* the 1-based line of each key of the top mapping */
} Builder;

static PyObject *value(Builder *b, int depth);

/* Move to the next event; a whole scan ends with the stream's, so running out is a stream the builder declines. */
static int next(Builder *b)
{
    if (b->at == b->end) {
        b->declined = 1;
        return 0;
    }
    b->event = b->at++;
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
    const yaml_event_t *e = b->event;
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

/* A mapping key: the text kept for the same bytes written the same way, or the scalar, kept if it is text. */
static PyObject *key(Builder *b)
{
    const yaml_event_t *e = b->event;
    const unsigned char *raw = e->data.scalar.value;
    size_t length = e->data.scalar.length;
    if (e->data.scalar.tag != NULL || length > KEY_BYTES)
        return scalar(b);
    int plain = e->data.scalar.plain_implicit != 0;
    size_t hash = 2166136261u ^ (size_t)plain; /* FNV-1a */
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ raw[i]) * 16777619u;
    KeySlot *slot = &b->keys->slot[hash % KEY_SLOTS];
    if (slot->text != NULL && slot->length == length && slot->plain == plain && memcmp(slot->bytes, raw, length) == 0)
        return Py_NewRef(slot->text);
    PyObject *out = scalar(b);
    if (out != NULL && PyUnicode_CheckExact(out)) {
        Py_XSETREF(slot->text, Py_NewRef(out));
        slot->length = length;
        slot->plain = plain;
        memcpy(slot->bytes, raw, length);
    }
    return out;
}

static PyObject *mapping(Builder *b, int depth)
{
    PyObject *out = PyDict_New();
    while (out != NULL) {
        if (!next(b))
            break;
        if (b->event->type == YAML_MAPPING_END_EVENT)
            return out;
        if (b->event->type != YAML_SCALAR_EVENT) {
            decline(b);
            break;
        }
        PyObject *name = key(b);
        if (name == NULL)
            break;
        if (depth == 1) {
            /* scalar() reads no further: the event is still the key's. */
            PyObject *number = PyLong_FromLong((long)b->event->start_mark.line + 1);
            /* A repeated key: its first line, as the node tree would say. */
            PyObject *kept = number != NULL ? PyDict_SetDefault(b->top_lines, name, number) : NULL;
            Py_XDECREF(number);
            if (kept == NULL) {
                Py_DECREF(name);
                break;
            }
        }
        PyObject *item = next(b) ? value(b, depth) : NULL;
        int repeated = item != NULL ? PyDict_Contains(out, name) : -1;
        int stored = repeated >= 0 ? PyDict_SetItem(out, name, item) : -1;
        b->duplicates |= repeated > 0;
        Py_DECREF(name);
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
        if (b->event->type == YAML_SEQUENCE_END_EVENT)
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

/* The node that starts at the current event (the scan has declined anchors, aliases, tags and depth). */
static PyObject *value(Builder *b, int depth)
{
    switch (b->event->type) {
    case YAML_SCALAR_EVENT:
        return scalar(b);
    case YAML_MAPPING_START_EVENT:
        return mapping(b, depth + 1);
    case YAML_SEQUENCE_START_EVENT:
        return sequence(b, depth + 1);
    default:
        return decline(b);
    }
}

/* The one document of the stream, or None for an empty stream. */
static PyObject *document(Builder *b)
{
    if (!next(b) || !next(b)) /* the stream's start, then the document's or the stream's end */
        return NULL;
    if (b->event->type == YAML_STREAM_END_EVENT)
        return Py_NewRef(Py_None);
    PyObject *data = next(b) ? value(b, 0) : NULL;
    if (data != NULL && next(b) && b->event->type == YAML_DOCUMENT_END_EVENT && next(b) &&
        b->event->type == YAML_STREAM_END_EVENT)
        return data;
    Py_XDECREF(data);
    return b->declined || PyErr_Occurred() ? NULL : decline(b); /* a second document */
}

/* What build() returns for a scanned file: (data, duplicates, top lines), None when declined, NULL on an error. */
static PyObject *built(const Scan *s, const unsigned char *maybe, PyObject *resolve, Keys *keys)
{
    if (s->declined)
        return Py_NewRef(Py_None);
    Builder b = {.at = s->events, .end = s->events + s->count, .resolve = resolve, .maybe = maybe, .keys = keys};
    if ((b.top_lines = PyDict_New()) == NULL)
        return NULL;
    PyObject *result = NULL;
    PyObject *data = document(&b);
    if (data != NULL)
        result = Py_BuildValue("(NOO)", data, b.duplicates ? Py_True : Py_False, b.top_lines);
    else if (b.declined && !PyErr_Occurred())
        result = Py_NewRef(Py_None);
    Py_DECREF(b.top_lines);
    return result;
}

/* --- the arguments both entry points take --- */

typedef struct {
    Py_buffer maybe;
    PyObject *resolve; /* borrowed */
    int max_depth;
} Rules;

static int rules(PyObject *maybe, PyObject *resolve, PyObject *max_depth, Rules *out)
{
    if (!PyCallable_Check(resolve)) {
        PyErr_SetString(PyExc_TypeError, "resolve must be callable");
        return -1;
    }
    long depth = PyLong_AsLong(max_depth);
    if (depth == -1 && PyErr_Occurred())
        return -1;
    if (depth < 0 || depth > 1000) {
        PyErr_SetString(PyExc_ValueError, "max_depth must be between 0 and 1000");
        return -1;
    }
    if (PyObject_GetBuffer(maybe, &out->maybe, PyBUF_SIMPLE) < 0)
        return -1;
    if (out->maybe.len != 256) {
        PyBuffer_Release(&out->maybe);
        PyErr_SetString(PyExc_ValueError, "maybe must hold 256 flags");
        return -1;
    }
    out->resolve = resolve;
    out->max_depth = (int)depth;
    return 0;
}

PyDoc_STRVAR(build_doc,
             "build(text, maybe, resolve, max_depth, /)\n--\n\n"
             "(data, whether a mapping repeats a key, {top-level key: line}) from UTF-8 YAML `text`, or None when\n"
             "the file needs PyYAML's own path. `maybe` holds 256 flags, one per first byte of a plain scalar\n"
             "that may not be text; such scalars, and tagged ones, are passed to `resolve(text, tag)`. libyaml\n"
             "reads the text without holding the GIL.");

static PyObject *build(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_buffer text;
    Rules r;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "build(text, maybe, resolve, max_depth)");
        return NULL;
    }
    if (rules(args[1], args[2], args[3], &r) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[0], &text, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&r.maybe);
        return NULL;
    }
    Scan s;
    Py_BEGIN_ALLOW_THREADS
    scan(text.buf, (size_t)text.len, r.max_depth, &s);
    Py_END_ALLOW_THREADS
    Keys keys = {0};
    PyObject *result = built(&s, r.maybe.buf, r.resolve, &keys);
    keys_clear(&keys);
    scan_free(&s);
    PyBuffer_Release(&text);
    PyBuffer_Release(&r.maybe);
    return result;
}

/* --- Batch: many files, scanned ahead in a thread of its own while the caller builds and checks --- */

/* How far the scanning may run ahead of the builder, in bytes of text (a file's events take some twenty times
 * its size); the file the builder waits for is always scanned. */
#define AHEAD_BYTES (256 * 1024)

/* Where a file is: not yet claimed by a scanner, being scanned, or scanned (its events ready to build). */
enum { UNCLAIMED = 0, SCANNING = 1, SCANNED = 2 };

typedef struct {
    PyObject_HEAD
    PyObject *texts; /* a tuple of bytes: what `data` and `lengths` point into */
    Rules rules;
    Py_ssize_t count;
    const unsigned char **data;
    size_t *lengths;
    Scan *scans;
    Keys keys;
    pthread_mutex_t lock; /* guards what follows, shared with the thread */
    pthread_cond_t changed;
    unsigned char *states; /* per file: UNCLAIMED, SCANNING or SCANNED */
    Py_ssize_t next;       /* the first file not yet claimed: files are claimed in order */
    Py_ssize_t taken;      /* files handed to build() */
    size_t ahead;          /* bytes claimed and not yet taken */
    int stop;
    int finished; /* the thread has left its loop: build() frees what it has built */
    int running;  /* the thread was started (else build() scans each file itself) */
    int building; /* a build() is under way: another, from another thread, would take the same file */
    Py_ssize_t scanned_by_builder; /* files build() scanned itself rather than wait for the thread */
    pthread_t thread;
} Batch;

/* The name the thread shows in `top -H` and /proc (at most 15 characters). */
#define THREAD_NAME "yaml read-ahead"

/* Claims the next file for the caller to scan, under the lock; -1 when there is none, or none it may scan
 * yet: past the bound, only the file the builder needs now may be claimed. */
static Py_ssize_t claim(Batch *self)
{
    Py_ssize_t j = self->next;
    if (j >= self->count || (j > self->taken && self->ahead >= AHEAD_BYTES))
        return -1;
    self->next = j + 1;
    self->states[j] = SCANNING;
    self->ahead += self->lengths[j];
    return j;
}

/* Scans the claimed file `j` with the lock released, and marks it scanned; called and returns with the lock. */
static void scan_claimed(Batch *self, Py_ssize_t j)
{
    pthread_mutex_unlock(&self->lock);
    scan(self->data[j], self->lengths[j], self->rules.max_depth, &self->scans[j]);
    pthread_mutex_lock(&self->lock);
    self->states[j] = SCANNED;
    pthread_cond_broadcast(&self->changed);
}

static void *scan_ahead(void *arg)
{
    Batch *self = arg;
#ifdef __linux__
    pthread_setname_np(pthread_self(), THREAD_NAME);
#endif
    /* The events of the files built so far are freed here too, off the builder's thread; those built once this
     * thread is done, the builder frees itself (see `finished`). */
    Py_ssize_t freed = 0, taken;
    pthread_mutex_lock(&self->lock);
    while (!self->stop && self->next < self->count) {
        Py_ssize_t j = claim(self);
        taken = self->taken;
        if (freed < taken) {
            pthread_mutex_unlock(&self->lock);
            for (; freed < taken; freed++)
                scan_free(&self->scans[freed]);
            pthread_mutex_lock(&self->lock);
        }
        if (j >= 0)
            scan_claimed(self, j);
        else if (!self->stop && self->next < self->count && self->taken == taken)
            pthread_cond_wait(&self->changed, &self->lock);
    }
    self->finished = 1;
    taken = self->taken;
    pthread_mutex_unlock(&self->lock);
    for (; freed < taken; freed++)
        scan_free(&self->scans[freed]);
    return NULL;
}

static void batch_dealloc(Batch *self)
{
    if (self->running) {
        /* The thread never waits for the GIL, so joining it while holding the GIL cannot deadlock; it finishes at
         * most the file it is scanning. */
        pthread_mutex_lock(&self->lock);
        self->stop = 1;
        pthread_cond_broadcast(&self->changed);
        pthread_mutex_unlock(&self->lock);
        pthread_join(self->thread, NULL);
    }
    if (self->scans != NULL) {
        for (Py_ssize_t i = 0; i < self->count; i++)
            scan_free(&self->scans[i]);
        pthread_mutex_destroy(&self->lock);
        pthread_cond_destroy(&self->changed);
    }
    keys_clear(&self->keys);
    free(self->scans);
    free(self->states);
    free(self->data);
    free(self->lengths);
    if (self->rules.resolve != NULL) {
        PyBuffer_Release(&self->rules.maybe);
        Py_DECREF(self->rules.resolve);
    }
    Py_XDECREF(self->texts);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int batch_texts(Batch *self, PyObject *texts)
{
    if ((self->texts = PySequence_Tuple(texts)) == NULL)
        return -1;
    self->count = PyTuple_GET_SIZE(self->texts);
    Py_ssize_t n = self->count ? self->count : 1;
    self->data = calloc((size_t)n, sizeof *self->data);
    self->lengths = calloc((size_t)n, sizeof *self->lengths);
    if (self->data == NULL || self->lengths == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < self->count; i++) {
        PyObject *text = PyTuple_GET_ITEM(self->texts, i);
        if (!PyBytes_Check(text)) {
            PyErr_Format(PyExc_TypeError, "texts must be bytes, not %.100s", Py_TYPE(text)->tp_name);
            return -1;
        }
        self->data[i] = (const unsigned char *)PyBytes_AS_STRING(text);
        self->lengths[i] = (size_t)PyBytes_GET_SIZE(text);
    }
    return 0;
}

static PyObject *batch_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *texts, *maybe, *resolve, *max_depth;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError, "Batch takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, "Batch", 4, 4, &texts, &maybe, &resolve, &max_depth))
        return NULL;
    Batch *self = (Batch *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    if (batch_texts(self, texts) < 0 || rules(maybe, resolve, max_depth, &self->rules) < 0) {
        self->rules.resolve = NULL;
        Py_DECREF(self);
        return NULL;
    }
    Py_INCREF(self->rules.resolve);
    Py_ssize_t n = self->count ? self->count : 1;
    if ((self->states = calloc((size_t)n, 1)) == NULL || (self->scans = calloc((size_t)n, sizeof *self->scans)) == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->changed, NULL);
    /* The thread is born with every signal blocked, so that the system delivers each (a Ctrl-C, a SIGTERM) to a
     * thread of the interpreter's. Without a thread (the system refused one), build() scans each file as it
     * comes: slower, the same data. */
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &before);
    self->running = self->count > 0 && pthread_create(&self->thread, NULL, scan_ahead, self) == 0;
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    return (PyObject *)self;
}

PyDoc_STRVAR(batch_build_doc,
             "build()\n--\n\n"
             "What build(text, ...) gives for the next text of the batch, in order. Once it has raised, the next\n"
             "call goes on with the text after; past the last it raises IndexError.");

static PyObject *batch_build(Batch *self, PyObject *unused)
{
    (void)unused;
    Py_ssize_t i = self->taken;
    if (i >= self->count) {
        PyErr_SetString(PyExc_IndexError, "every text of the batch is built");
        return NULL;
    }
    if (self->building) {
        PyErr_SetString(PyExc_RuntimeError, "the batch is being built in another thread");
        return NULL;
    }
    self->building = 1;
    Scan *s = &self->scans[i];
    Py_BEGIN_ALLOW_THREADS
    if (self->running) {
        /* Rather than wait while the thread scans this file, the builder scans the next one itself: the
         * scanning, not the building, is what a large pack waits for. */
        pthread_mutex_lock(&self->lock);
        while (self->states[i] != SCANNED) {
            Py_ssize_t j = claim(self);
            if (j >= 0) {
                self->scanned_by_builder++;
                scan_claimed(self, j);
            } else
                pthread_cond_wait(&self->changed, &self->lock);
        }
        pthread_mutex_unlock(&self->lock);
    } else {
        scan(self->data[i], self->lengths[i], self->rules.max_depth, s);
    }
    Py_END_ALLOW_THREADS
    PyObject *result = built(s, self->rules.maybe.buf, self->rules.resolve, &self->keys);
    pthread_mutex_lock(&self->lock);
    self->taken = i + 1;
    self->ahead -= self->lengths[i];
    int frees_here = !self->running || self->finished; /* else the thread frees this file's events */
    pthread_cond_broadcast(&self->changed);
    pthread_mutex_unlock(&self->lock);
    if (frees_here)
        scan_free(s);
    self->building = 0;
    return result;
}

static PyMemberDef batch_members[] = {
    {"scanned_by_builder", T_PYSSIZET, offsetof(Batch, scanned_by_builder), READONLY,
     "How many files build() scanned itself, rather than wait while the thread scanned the one it needed."},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef batch_methods[] = {
    {"build", (PyCFunction)batch_build, METH_NOARGS, batch_build_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(batch_doc,
             "Batch(texts, maybe, resolve, max_depth, /)\n--\n\n"
             "The texts built one by one, in order, by build(), while a thread of the batch's own has libyaml read\n"
             "the next ones, without the GIL; build(), rather than wait while the thread reads the one it needs,\n"
             "reads a next one itself. The arguments are build()'s, with a sequence of texts.");

static PyTypeObject BatchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bot.content._plainyaml.Batch",
    .tp_basicsize = sizeof(Batch),
    .tp_dealloc = (destructor)batch_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = batch_doc,
    .tp_methods = batch_methods,
    .tp_members = batch_members,
    .tp_new = batch_new,
};

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
    if (PyType_Ready(&BatchType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddObjectRef(m, "Batch", (PyObject *)&BatchType) < 0)
        Py_CLEAR(m);
    return m;
}
