/*
 * External scanner for the CAmkES grammar: the tail of preprocessor lines.
 *
 * Preprocessor lines are extras, so inside one every other extra (another
 * `#define`, a comment) is also a valid next token, and the generated lexer
 * would skip a define's newline as blank space and start the next directive
 * inside this one. Deciding here, before the generated lexer runs, keeps each
 * directive on its own line.
 *
 * PREPROC_NEWLINE  the end of a `#define` line (or the end of the file).
 * PREPROC_ARG      the rest of the line after a define's name/parameters or
 *                  after `#if`/`#elif`: leading blanks are skipped, trailing
 *                  blanks dropped, backslash-newline continues the line.
 *                  Right after a define's name an unseparated `(` is left to
 *                  the generated lexer: `#define F(x)` has parameters, while
 *                  `#define F (x)` has the value `(x)`.
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>

enum TokenType {
    PREPROC_NEWLINE,
    PREPROC_ARG,
    ERROR_SENTINEL,
};

void *tree_sitter_camkes_external_scanner_create(void) { return NULL; }

void tree_sitter_camkes_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_camkes_external_scanner_serialize(void *payload, char *buffer) {
    (void)payload;
    (void)buffer;
    return 0;
}

void tree_sitter_camkes_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
    (void)payload;
    (void)buffer;
    (void)length;
}

static bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

/* Consume the rest of the line into PREPROC_ARG; the end is marked after the last non-blank. */
static bool scan_arg(TSLexer *lexer) {
    lexer->result_symbol = PREPROC_ARG;
    bool any = false;
    for (;;) {
        if (lexer->eof(lexer) || lexer->lookahead == '\n') {
            return any;
        }
        if (lexer->lookahead == '\r') {
            lexer->advance(lexer, false);
            if (lexer->lookahead == '\n') {
                return any; /* the end stays marked before the '\r' */
            }
            continue;
        }
        if (lexer->lookahead == '\\') {
            lexer->advance(lexer, false);
            if (lexer->lookahead == '\r') {
                lexer->advance(lexer, false);
            }
            if (lexer->lookahead == '\n') {
                lexer->advance(lexer, false); /* continuation line */
                continue;
            }
            lexer->mark_end(lexer);
            any = true;
            continue;
        }
        bool blank = is_blank(lexer->lookahead);
        lexer->advance(lexer, false);
        if (!blank) {
            lexer->mark_end(lexer);
            any = true;
        }
    }
}

bool tree_sitter_camkes_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
    (void)payload;
    /* During error recovery every symbol is valid: let the generated lexer decide. */
    if (valid_symbols[ERROR_SENTINEL]) {
        return false;
    }
    bool want_newline = valid_symbols[PREPROC_NEWLINE];
    bool want_arg = valid_symbols[PREPROC_ARG];
    if (!want_newline && !want_arg) {
        return false;
    }

    /* Skip blanks and backslash-newline continuations (not part of any token). */
    bool separated = false;
    for (;;) {
        if (is_blank(lexer->lookahead)) {
            lexer->advance(lexer, true);
            separated = true;
        } else if (lexer->lookahead == '\\') {
            lexer->advance(lexer, true);
            if (lexer->lookahead == '\r') {
                lexer->advance(lexer, true);
            }
            if (lexer->lookahead != '\n') {
                /* A lone backslash starts the value (it is dropped from the token text). */
                return want_arg && scan_arg(lexer);
            }
            lexer->advance(lexer, true);
            separated = true;
        } else {
            break;
        }
    }

    if (lexer->eof(lexer)) {
        if (want_newline) {
            lexer->result_symbol = PREPROC_NEWLINE;
            return true;
        }
        return false;
    }
    if (lexer->lookahead == '\r' || lexer->lookahead == '\n') {
        if (!want_newline) {
            return false;
        }
        if (lexer->lookahead == '\r') {
            lexer->advance(lexer, false);
            if (lexer->lookahead != '\n') {
                return false;
            }
        }
        lexer->advance(lexer, false);
        lexer->result_symbol = PREPROC_NEWLINE;
        return true;
    }
    /* Right after a define's name, `(` opens the parameter list (for the generated
     * lexer); elsewhere (after the parameters, after #if) the value may start at once. */
    if (want_arg && (separated || !want_newline || lexer->lookahead != '(')) {
        return scan_arg(lexer);
    }
    return false;
}
