/* The search index's vocabulary counted in C: the fast path of index.py's `_vocabulary`.
 *
 * The index needs every word of the pack as written (unstemmed), with the number of rows holding it. SQLite
 * can count them (an FTS5 table with the index's unstemmed tokenizer, read back through fts5vocab), but that
 * means a second full tokenization of every quote, a third of the index's build. This module splits the same
 * text the way that tokenizer does, in the case where that way is simple to state: ASCII letters and digits
 * make words (folded to lower case), every other ASCII character parts them, and so does any other character
 * the caller's `splits(code)` says SQLite parts words at (asked once per character, and kept). A row holding a
 * character that is not such a separator (a letter with an accent, say) is not counted here: its index is
 * returned, and index.py counts those rows with SQLite. So the two cannot disagree, and the tests check that
 * they count alike.
 *
 * The text is read as the UTF-8 Python keeps with each str; the counting itself runs without the GIL.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define CODE_POINTS 0x110000

typedef struct {
    const char *text;
    Py_ssize_t size;
} Slice;

/* A word counted so far: its bytes in the arena, how many rows hold it, and the last row that did. */
typedef struct {
    uint64_t hash;
    size_t offset;
    size_t length;
    Py_ssize_t rows;
    Py_ssize_t last_row;
} Word;

typedef struct {
    Word *slots; /* open addressing; a slot with length 0 is empty (no word is empty) */
    size_t capacity, used;
    char *arena;
    size_t arena_used, arena_size;
    char *folded; /* the word being read, in lower case */
    size_t folded_size;
} Words;

/* What is known of the non-ASCII characters met so far: asked, and whether they part words. */
typedef struct {
    uint8_t *asked;
    uint8_t *splits;
    PyObject *ask; /* splits(code) -> bool, called with the GIL */
    PyThreadState *released;
} Separators;

static int bit(const uint8_t *bits, uint32_t code)
{
    return (bits[code >> 3] >> (code & 7)) & 1;
}

static void set_bit(uint8_t *bits, uint32_t code)
{
    bits[code >> 3] |= (uint8_t)(1u << (code & 7));
}

/* Whether SQLite parts words at `code`: 1 or 0, or -1 with the caller's exception set (and the GIL released
 * again either way). */
static int parts_words(Separators *s, uint32_t code)
{
    if (bit(s->asked, code))
        return bit(s->splits, code);
    PyEval_RestoreThread(s->released);
    PyObject *answer = PyObject_CallFunction(s->ask, "I", (unsigned int)code);
    int splits = answer == NULL ? -1 : PyObject_IsTrue(answer);
    Py_XDECREF(answer);
    s->released = PyEval_SaveThread();
    if (splits < 0)
        return -1;
    set_bit(s->asked, code);
    if (splits)
        set_bit(s->splits, code);
    return splits;
}

/* The code point of the UTF-8 sequence at `p` (valid: Python made it), and its length in `length`. */
static uint32_t decode(const unsigned char *p, int *length)
{
    if (p[0] < 0xE0) {
        *length = 2;
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if (p[0] < 0xF0) {
        *length = 3;
        return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    *length = 4;
    return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
           (p[3] & 0x3F);
}

/* Whether the slice holds a byte above 0x7F, eight at a time. */
static int has_non_ascii(const unsigned char *p, Py_ssize_t size)
{
    Py_ssize_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t eight;
        memcpy(&eight, p + i, 8);
        if (eight & 0x8080808080808080u)
            return 1;
    }
    for (; i < size; i++)
        if (p[i] & 0x80)
            return 1;
    return 0;
}

/* Whether every non-ASCII character of the row parts words: 1 or 0, or -1 on an error. */
static int countable(Separators *s, const Slice *columns, Py_ssize_t count)
{
    for (Py_ssize_t c = 0; c < count; c++) {
        const unsigned char *p = (const unsigned char *)columns[c].text;
        const unsigned char *end = p + columns[c].size;
        if (!has_non_ascii(p, columns[c].size))
            continue;
        while (p < end) {
            if (*p < 0x80) {
                p++;
                continue;
            }
            int length;
            int splits = parts_words(s, decode(p, &length));
            if (splits <= 0)
                return splits;
            p += length;
        }
    }
    return 1;
}

/* Each byte as it is in a word (ASCII letters folded to lower case, digits as they are), or 0: it parts words.
 * Bytes above 0x7F are 0 too, as the characters they make part words in every row counted here. */
static unsigned char word_byte[256];

static void fill_word_bytes(void)
{
    for (int b = '0'; b <= '9'; b++)
        word_byte[b] = (unsigned char)b;
    for (int b = 'a'; b <= 'z'; b++)
        word_byte[b] = (unsigned char)b;
    for (int b = 'A'; b <= 'Z'; b++)
        word_byte[b] = (unsigned char)(b - 'A' + 'a');
}

static int grow_slots(Words *w)
{
    size_t capacity = w->capacity ? w->capacity * 2 : 4096;
    Word *slots = calloc(capacity, sizeof(Word));
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < w->capacity; i++) {
        Word *old = &w->slots[i];
        if (old->length == 0)
            continue;
        size_t at = old->hash & (capacity - 1);
        while (slots[at].length != 0)
            at = (at + 1) & (capacity - 1);
        slots[at] = *old;
    }
    free(w->slots);
    w->slots = slots;
    w->capacity = capacity;
    return 0;
}

static int reserve(char **buffer, size_t *size, size_t needed)
{
    if (needed <= *size)
        return 0;
    size_t grown = *size ? *size : 65536;
    while (grown < needed)
        grown *= 2;
    char *bigger = realloc(*buffer, grown);
    if (bigger == NULL)
        return -1;
    *buffer = bigger;
    *size = grown;
    return 0;
}

/* Counts the word w->folded[:length], whose hash is `hash`, once for `row`. */
static int add_word(Words *w, size_t length, uint64_t hash, Py_ssize_t row)
{
    if ((w->used + 1) * 2 > w->capacity && grow_slots(w) < 0)
        return -1;
    size_t at = hash & (w->capacity - 1);
    for (;; at = (at + 1) & (w->capacity - 1)) {
        Word *slot = &w->slots[at];
        if (slot->length == 0)
            break;
        if (slot->hash == hash && slot->length == length && memcmp(w->arena + slot->offset, w->folded, length) == 0) {
            if (slot->last_row != row) {
                slot->rows++;
                slot->last_row = row;
            }
            return 0;
        }
    }
    if (reserve(&w->arena, &w->arena_size, w->arena_used + length) < 0)
        return -1;
    memcpy(w->arena + w->arena_used, w->folded, length);
    w->slots[at] = (Word){.hash = hash, .offset = w->arena_used, .length = length, .rows = 1, .last_row = row};
    w->arena_used += length;
    w->used++;
    return 0;
}

/* Counts the words of one row whose every non-ASCII character parts words. */
static int count_row(Words *w, const Slice *columns, Py_ssize_t count, Py_ssize_t row)
{
    for (Py_ssize_t c = 0; c < count; c++) {
        const unsigned char *p = (const unsigned char *)columns[c].text;
        const unsigned char *end = p + columns[c].size;
        /* No word is longer than its column: room for the longest is made once. */
        if (reserve(&w->folded, &w->folded_size, (size_t)columns[c].size) < 0)
            return -1;
        while (p < end) {
            if (!word_byte[*p]) {
                p++;
                continue;
            }
            uint64_t hash = 1469598103934665603u; /* FNV-1a */
            size_t length = 0;
            for (unsigned char b; p < end && (b = word_byte[*p]) != 0; p++) {
                w->folded[length++] = (char)b;
                hash = (hash ^ b) * 1099511628211u;
            }
            if (add_word(w, length, hash, row) < 0)
                return -1;
        }
    }
    return 0;
}

/* The texts of each row, as slices of their UTF-8: `columns` per row, in `slices`. A row with a value that is
 * not a str Python can give as UTF-8 is marked in `unread`, for SQLite to take as it is. */
static int read_rows(PyObject *rows, Py_ssize_t first, Slice *slices, Py_ssize_t columns, char *unread)
{
    Py_ssize_t count = PyList_GET_SIZE(rows);
    int strings = count && PyUnicode_Check(PyList_GET_ITEM(rows, 0));
    for (Py_ssize_t r = 0; r < count; r++) {
        PyObject *row = PyList_GET_ITEM(rows, r);
        Slice *slice = slices + r * columns;
        int one = PyUnicode_Check(row);
        if (one != strings || (!one && (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != first + columns))) {
            PyErr_SetString(PyExc_TypeError, "the rows must be all str, or all tuples of one length");
            return -1;
        }
        for (Py_ssize_t c = 0; c < columns && !unread[r]; c++) {
            PyObject *text = one ? row : PyTuple_GET_ITEM(row, first + c);
            slice[c].text = PyUnicode_Check(text) ? PyUnicode_AsUTF8AndSize(text, &slice[c].size) : NULL;
            if (slice[c].text == NULL) {
                PyErr_Clear();
                unread[r] = 1;
            }
        }
    }
    return 0;
}

static PyObject *as_dict(const Words *w)
{
    PyObject *counts = PyDict_New();
    for (size_t i = 0; counts != NULL && i < w->capacity; i++) {
        const Word *word = &w->slots[i];
        if (word->length == 0)
            continue;
        PyObject *key = PyUnicode_FromStringAndSize(w->arena + word->offset, (Py_ssize_t)word->length);
        PyObject *value = key == NULL ? NULL : PyLong_FromSsize_t(word->rows);
        if (value == NULL || PyDict_SetItem(counts, key, value) < 0)
            Py_CLEAR(counts);
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return counts;
}

/* Counts every row it can; marks the others in `unread`. 0, or -1 with an exception set (GIL held). */
static int count_rows(Words *w, Separators *s, const Slice *slices, Py_ssize_t rows, Py_ssize_t columns,
                      char *unread)
{
    int failed = 0, no_memory = 0;
    s->released = PyEval_SaveThread();
    for (Py_ssize_t r = 0; r < rows && !failed; r++) {
        if (unread[r])
            continue;
        int fit = countable(s, slices + r * columns, columns);
        if (fit < 0)
            failed = 1;
        else if (!fit)
            unread[r] = 1;
        else if (count_row(w, slices + r * columns, columns, r) < 0)
            failed = no_memory = 1;
    }
    PyEval_RestoreThread(s->released);
    if (no_memory)
        PyErr_NoMemory();
    return failed ? -1 : 0;
}

PyDoc_STRVAR(count_doc,
             "count(rows, first, splits, /)\n--\n\n"
             "The words of `rows` (a list of str, or of tuples whose items from `first` on are str), lower case,\n"
             "with how many rows hold each; and the indexes of the rows left to SQLite, as (counts, indexes).\n"
             "`splits(code)` says whether a non-ASCII character parts words.");

static PyObject *count(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t first = nargs == 3 ? PyLong_AsSsize_t(args[1]) : -1;
    if (nargs != 3 || !PyList_Check(args[0]) || first < 0 || !PyCallable_Check(args[2])) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "count(rows: list, first: int >= 0, splits: callable)");
        return NULL;
    }
    PyObject *rows = args[0];
    Py_ssize_t count = PyList_GET_SIZE(rows);
    PyObject *head = count ? PyList_GET_ITEM(rows, 0) : NULL;
    Py_ssize_t columns = head == NULL || PyUnicode_Check(head) ? 1 : -1;
    if (head != NULL && PyTuple_Check(head) && PyTuple_GET_SIZE(head) > first)
        columns = PyTuple_GET_SIZE(head) - first;
    if (columns < 0) {
        PyErr_SetString(PyExc_TypeError, "the first row must be a str, or a tuple longer than `first`");
        return NULL;
    }
    /* The list is copied: `splits` runs Python, which could change it while its slices are read. */
    PyObject *held = PyList_GetSlice(rows, 0, count);
    Slice *slices = PyMem_Calloc((size_t)(count ? count : 1) * (size_t)columns, sizeof(Slice));
    char *unread = PyMem_Calloc((size_t)(count ? count : 1), 1);
    Separators s = {.asked = calloc(CODE_POINTS / 8, 1), .splits = calloc(CODE_POINTS / 8, 1), .ask = args[2]};
    Words w = {0};
    PyObject *result = NULL;
    if (held == NULL || slices == NULL || unread == NULL || s.asked == NULL || s.splits == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
    } else if (read_rows(held, first, slices, columns, unread) == 0 &&
               count_rows(&w, &s, slices, count, columns, unread) == 0) {
        PyObject *counts = as_dict(&w);
        PyObject *left = counts == NULL ? NULL : PyList_New(0);
        for (Py_ssize_t r = 0; left != NULL && r < count; r++) {
            PyObject *index = unread[r] ? PyLong_FromSsize_t(r) : NULL;
            if (unread[r] && (index == NULL || PyList_Append(left, index) < 0))
                Py_CLEAR(left);
            Py_XDECREF(index);
        }
        if (left != NULL)
            result = PyTuple_Pack(2, counts, left);
        Py_XDECREF(counts);
        Py_XDECREF(left);
    }
    free(w.slots);
    free(w.arena);
    free(w.folded);
    free(s.asked);
    free(s.splits);
    PyMem_Free(slices);
    PyMem_Free(unread);
    Py_XDECREF(held);
    return result;
}

static PyMethodDef methods[] = {
    {"count", (PyCFunction)(void (*)(void))count, METH_FASTCALL, count_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bot.search._words",
    .m_doc = "The search index's vocabulary, counted the way its unstemmed tokenizer splits (see index.py).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__words(void)
{
    fill_word_bytes();
    return PyModule_Create(&module);
}
