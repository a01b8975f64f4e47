/*
 * dwarf_expr.h: the DWARF expression evaluator (lib/dwarf_expr.c), for the
 * variables reader (lib/variables.c).
 *
 * A DWARF location expression is a little stack machine program (DWARF 5,
 * section 2.5 "DWARF Expressions" and 2.6 "Location Descriptions").  Its
 * result says where a variable is: at an address, in a register, or
 * nowhere (its value computed), possibly in pieces.  The evaluator knows
 * nothing about frames: it asks its caller for registers, the CFA, the
 * frame base and entry values, and reads memory through the target.
 */
#ifndef SL_DWARF_EXPR_H
#define SL_DWARF_EXPR_H

#include <elfutils/libdw.h>
#include <stddef.h>
#include <stdint.h>

#include <stacklab/target.h>

/* What one piece of a variable is. */
typedef enum {
    SL_PIECE_MEMORY,        /* at address */
    SL_PIECE_REGISTER,      /* in DWARF register reg */
    SL_PIECE_VALUE,         /* no home: value computed (DW_OP_stack_value) */
    SL_PIECE_IMPLICIT,      /* no home: bytes given (DW_OP_implicit_value) */
    SL_PIECE_UNKNOWN        /* optimized out (an empty piece) */
} sl_piece_kind;

typedef struct sl_piece {
    sl_piece_kind kind;
    size_t size;            /* bytes; 0: the whole variable */
    uint64_t address;       /* MEMORY */
    int reg;                /* REGISTER */
    uint64_t value;         /* VALUE */
    const unsigned char *bytes; /* IMPLICIT (libdw's storage) */
} sl_piece;

#define SL_PIECES_MAX 8

typedef struct sl_location {
    int count;              /* 0: no location (optimized out) */
    sl_piece piece[SL_PIECES_MAX];
    int entry_value;        /* an entry value was used */
} sl_location;

/* What an expression may ask of the frame it is evaluated in.  Each returns
 * 0, or -1 with *why set to a short reason ("in a call-clobbered
 * register"). */
typedef struct sl_dwarf_frame {
    const sl_target *target;
    Dwarf_Addr bias;                    /* module load bias (for DW_OP_addr) */
    void *arg;
    int (*reg)(void *arg, int dwarf_reg, uint64_t *value, const char **why);
    int (*cfa)(void *arg, uint64_t *value, const char **why);
    int (*frame_base)(void *arg, uint64_t *value, const char **why);
    /* The value the register named by the sub-expression had on entry
     * (DW_OP_entry_value): from the caller's call site. */
    int (*entry_value)(void *arg, const Dwarf_Op *ops, size_t n, uint64_t *value,
                       const char **why);
} sl_dwarf_frame;

/* Evaluates the location expression ops[0..n) of attribute attr (the
 * attribute libdw gave it for; needed for sub-expressions and operands).
 * Returns 0 with *loc filled, or -1 with *why saying why it could not. */
int sl__dwarf_location(const sl_dwarf_frame *f, Dwarf_Attribute *attr,
                       const Dwarf_Op *ops, size_t n, sl_location *loc, const char **why);

/* Evaluates a DWARF expression whose result is a value (DW_AT_frame_base,
 * DW_AT_call_value, an entry value's sub-expression): a register location
 * yields that register's contents. */
int sl__dwarf_value(const sl_dwarf_frame *f, Dwarf_Attribute *attr,
                    const Dwarf_Op *ops, size_t n, uint64_t *value, const char **why);

#endif
