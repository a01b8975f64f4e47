/*
 * dwarf_expr.c: evaluate DWARF location expressions (DWARF 5, sections 2.5
 * and 2.6).
 *
 * libdw decodes an expression into operations (Dwarf_Op: an opcode and up
 * to two operands) but evaluates nothing, so this is the stack machine:
 *
 *   push values        DW_OP_lit*, const*, addr (+ load bias), addrx, constx
 *   registers          DW_OP_breg*(n) pushes register n + offset; fbreg the
 *                      frame base + offset; call_frame_cfa the CFA
 *   memory             deref, deref_size, deref_type read through the target
 *   arithmetic         plus, minus, mul, div, mod, and, or, xor, shl, shr,
 *                      shra, neg, not, abs, plus_uconst, comparisons, bra, skip
 *   typed values       convert, reinterpret, const_type, regval_type
 *                      (integers only: the size and sign of the base type)
 *   the result         an address (the default: the variable lives there);
 *                      DW_OP_reg*(n): it lives in register n; stack_value:
 *                      it has no home, the value is computed; implicit_value:
 *                      its bytes are given; piece: the above, per piece
 *   entry values       DW_OP_entry_value(expr): the value expr had when the
 *                      function was entered, which the caller supplies (from
 *                      its call site's DW_AT_call_value)
 *
 * Anything else (TLS, DW_OP_implicit_pointer, calls) fails with a reason,
 * which the reader shows as "optimized out: ...": never a wrong value.
 */
#include <dwarf.h>
#include <string.h>

#include "dwarf_expr.h"

#define STACK_MAX 64

typedef struct machine {
    const sl_dwarf_frame *f;
    Dwarf_Attribute *attr;
    uint64_t stack[STACK_MAX];
    int sp;                     /* number of values on the stack */
    const char *why;
} machine;

static int fail(machine *m, const char *why)
{
    if (!m->why)
        m->why = why;
    return -1;
}

static int push(machine *m, uint64_t v)
{
    if (m->sp == STACK_MAX)
        return fail(m, "DWARF expression too deep");
    m->stack[m->sp++] = v;
    return 0;
}

static int pop(machine *m, uint64_t *v)
{
    if (m->sp == 0)
        return fail(m, "malformed DWARF expression (stack underflow)");
    *v = m->stack[--m->sp];
    return 0;
}

/* Reads size bytes (1-8) at addr as a little-endian unsigned value. */
static int read_value(machine *m, uint64_t addr, size_t size, uint64_t *v)
{
    unsigned char b[8] = {0};
    if (size == 0 || size > 8)
        return fail(m, "unsupported DWARF operand size");
    if (sl_target_read(m->f->target, (uintptr_t)addr, b, size) < 0)
        return fail(m, "cannot read memory the location names");
    uint64_t r = 0;
    for (size_t i = size; i-- > 0;)
        r = r << 8 | b[i];
    *v = r;
    return 0;
}

/* A base type's size and signedness (for the typed operations). */
static int base_type(machine *m, const Dwarf_Op *op, int *size, int *is_signed)
{
    Dwarf_Die t;
    Dwarf_Attribute a;
    Dwarf_Word enc = 0;
    if (dwarf_getlocation_die(m->attr, op, &t) != 0)
        return fail(m, "DWARF typed operation without a type");
    int bytes = dwarf_bytesize(&t);
    if (bytes <= 0 || bytes > 8)
        return fail(m, "DWARF typed value wider than 8 bytes");
    dwarf_formudata(dwarf_attr(&t, DW_AT_encoding, &a), &enc);
    if (enc == DW_ATE_float)
        return fail(m, "floating-point DWARF arithmetic");
    *size = bytes;
    *is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
    return 0;
}

/* v truncated to a type of size bytes, sign-extended when signed. */
static uint64_t fit(uint64_t v, int size, int is_signed)
{
    if (size >= 8)
        return v;
    int bits = size * 8;
    v &= (1ull << bits) - 1;
    if (is_signed && (v >> (bits - 1)) & 1)
        v |= ~0ull << bits;
    return v;
}

static int reg_value(machine *m, int reg, uint64_t *v)
{
    const char *why = NULL;
    if (m->f->reg(m->f->arg, reg, v, &why) < 0)
        return fail(m, why ? why : "register not available");
    return 0;
}

/* The index of the operation at byte offset off of the expression. */
static int op_at(const Dwarf_Op *ops, size_t n, Dwarf_Word off)
{
    for (size_t i = 0; i < n; i++)
        if (ops[i].offset == off)
            return (int)i;
    return off == (n ? ops[n - 1].offset + 1 : 0) ? (int)n : -1;
}

/* Ends the current piece: what the stack says (an address, or a computed
 * value when stack_value was seen), or the register / implicit bytes the
 * last operation named. */
typedef struct pending {
    int have;                   /* 0: nothing since the last piece */
    sl_piece p;
} pending;

static int add_piece(machine *m, sl_location *loc, pending *pd, size_t size)
{
    if (loc->count == SL_PIECES_MAX)
        return fail(m, "too many pieces");
    sl_piece *p = &loc->piece[loc->count++];
    if (pd->have) {
        *p = pd->p;
    } else if (m->sp > 0) {
        memset(p, 0, sizeof *p);
        p->kind = SL_PIECE_MEMORY;
        p->address = m->stack[m->sp - 1];
    } else {
        memset(p, 0, sizeof *p);
        p->kind = SL_PIECE_UNKNOWN;     /* an empty piece: optimized out */
    }
    if (size || p->kind != SL_PIECE_IMPLICIT)
        p->size = size;
    pd->have = 0;
    m->sp = 0;
    return 0;
}

static int run(machine *m, const Dwarf_Op *ops, size_t n, sl_location *loc)
{
    pending pd = {0};
    uint64_t a, b;
    int steps = 0;

    for (size_t i = 0; i < n; i++) {
        const Dwarf_Op *op = &ops[i];
        uint8_t atom = op->atom;
        if (++steps > 10000)
            return fail(m, "DWARF expression does not terminate");
        if (pd.have && atom != DW_OP_piece && atom != DW_OP_bit_piece)
            return fail(m, "malformed DWARF expression (operation after a location)");

        if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
            if (push(m, atom - DW_OP_lit0) < 0)
                return -1;
            continue;
        }
        if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
            if (reg_value(m, atom - DW_OP_breg0, &a) < 0 || push(m, a + op->number) < 0)
                return -1;
            continue;
        }
        if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
            pd.have = 1;
            memset(&pd.p, 0, sizeof pd.p);
            pd.p.kind = SL_PIECE_REGISTER;
            pd.p.reg = atom - DW_OP_reg0;
            continue;
        }
        switch (atom) {
        case DW_OP_addr:
            if (push(m, op->number + m->f->bias) < 0)
                return -1;
            break;
        case DW_OP_addrx: case DW_OP_GNU_addr_index:
        case DW_OP_constx: case DW_OP_GNU_const_index: {
            Dwarf_Attribute r;
            Dwarf_Addr addr;
            if (dwarf_getlocation_attr(m->attr, op, &r) != 0 || dwarf_formaddr(&r, &addr) != 0)
                return fail(m, "cannot read DW_OP_addrx operand");
            int is_addr = atom == DW_OP_addrx || atom == DW_OP_GNU_addr_index;
            if (push(m, addr + (is_addr ? m->f->bias : 0)) < 0)
                return -1;
            break;
        }
        case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
        case DW_OP_constu:
        case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s:
        case DW_OP_consts:
            if (push(m, op->number) < 0)
                return -1;
            break;
        case DW_OP_dup:
            if (m->sp < 1 || push(m, m->stack[m->sp - 1]) < 0)
                return fail(m, "malformed DWARF expression (dup)");
            break;
        case DW_OP_drop:
            if (pop(m, &a) < 0)
                return -1;
            break;
        case DW_OP_over:
            if (m->sp < 2 || push(m, m->stack[m->sp - 2]) < 0)
                return fail(m, "malformed DWARF expression (over)");
            break;
        case DW_OP_pick:
            if (op->number >= (Dwarf_Word)m->sp || push(m, m->stack[m->sp - 1 - op->number]) < 0)
                return fail(m, "malformed DWARF expression (pick)");
            break;
        case DW_OP_swap:
            if (m->sp < 2)
                return fail(m, "malformed DWARF expression (swap)");
            a = m->stack[m->sp - 1];
            m->stack[m->sp - 1] = m->stack[m->sp - 2];
            m->stack[m->sp - 2] = a;
            break;
        case DW_OP_rot:
            if (m->sp < 3)
                return fail(m, "malformed DWARF expression (rot)");
            a = m->stack[m->sp - 1];
            m->stack[m->sp - 1] = m->stack[m->sp - 2];
            m->stack[m->sp - 2] = m->stack[m->sp - 3];
            m->stack[m->sp - 3] = a;
            break;
        case DW_OP_deref:
            if (pop(m, &a) < 0 || read_value(m, a, sizeof(uintptr_t), &b) < 0 || push(m, b) < 0)
                return -1;
            break;
        case DW_OP_deref_size:
            if (pop(m, &a) < 0 || read_value(m, a, op->number, &b) < 0 || push(m, b) < 0)
                return -1;
            break;
        case DW_OP_deref_type: case DW_OP_GNU_deref_type: {
            int size, sgn;
            if (base_type(m, op, &size, &sgn) < 0 || pop(m, &a) < 0 ||
                read_value(m, a, op->number, &b) < 0 || push(m, fit(b, size, sgn)) < 0)
                return -1;
            break;
        }
        case DW_OP_abs:
            if (pop(m, &a) < 0 || push(m, (int64_t)a < 0 ? -a : a) < 0)
                return -1;
            break;
        case DW_OP_neg:
            if (pop(m, &a) < 0 || push(m, -a) < 0)
                return -1;
            break;
        case DW_OP_not:
            if (pop(m, &a) < 0 || push(m, ~a) < 0)
                return -1;
            break;
        case DW_OP_plus_uconst:
            if (pop(m, &a) < 0 || push(m, a + op->number) < 0)
                return -1;
            break;
        case DW_OP_and: case DW_OP_div: case DW_OP_minus: case DW_OP_mod: case DW_OP_mul:
        case DW_OP_or: case DW_OP_plus: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
        case DW_OP_xor: case DW_OP_eq: case DW_OP_ge: case DW_OP_gt: case DW_OP_le:
        case DW_OP_lt: case DW_OP_ne: {
            uint64_t r;
            if (pop(m, &b) < 0 || pop(m, &a) < 0)   /* a is the deeper one */
                return -1;
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            switch (atom) {
            case DW_OP_and:   r = a & b; break;
            case DW_OP_div:
                if (b == 0)
                    return fail(m, "division by zero in a DWARF expression");
                r = (uint64_t)(sa / sb);
                break;
            case DW_OP_minus: r = a - b; break;
            case DW_OP_mod:
                if (b == 0)
                    return fail(m, "division by zero in a DWARF expression");
                r = a % b;
                break;
            case DW_OP_mul:   r = a * b; break;
            case DW_OP_or:    r = a | b; break;
            case DW_OP_plus:  r = a + b; break;
            case DW_OP_shl:   r = b >= 64 ? 0 : a << b; break;
            case DW_OP_shr:   r = b >= 64 ? 0 : a >> b; break;
            case DW_OP_shra:  r = (uint64_t)(b >= 64 ? (sa < 0 ? -1 : 0) : sa >> b); break;
            case DW_OP_xor:   r = a ^ b; break;
            case DW_OP_eq:    r = sa == sb; break;
            case DW_OP_ge:    r = sa >= sb; break;
            case DW_OP_gt:    r = sa > sb; break;
            case DW_OP_le:    r = sa <= sb; break;
            case DW_OP_lt:    r = sa < sb; break;
            default:          r = sa != sb; break;
            }
            if (push(m, r) < 0)
                return -1;
            break;
        }
        case DW_OP_skip: case DW_OP_bra: {
            if (atom == DW_OP_bra) {
                if (pop(m, &a) < 0)
                    return -1;
                if (a == 0)
                    break;
            }
            /* libdw gives the target as an offset into the expression. */
            int k = op_at(ops, n, op->number);
            if (k < 0)
                return fail(m, "malformed DWARF expression (branch target)");
            i = (size_t)k - 1;
            break;
        }
        case DW_OP_regx:
            pd.have = 1;
            memset(&pd.p, 0, sizeof pd.p);
            pd.p.kind = SL_PIECE_REGISTER;
            pd.p.reg = (int)op->number;
            break;
        case DW_OP_bregx:
            if (reg_value(m, (int)op->number, &a) < 0 || push(m, a + op->number2) < 0)
                return -1;
            break;
        case DW_OP_regval_type: case DW_OP_GNU_regval_type: {
            int size, sgn;
            if (base_type(m, op, &size, &sgn) < 0 || reg_value(m, (int)op->number, &a) < 0 ||
                push(m, fit(a, size, sgn)) < 0)
                return -1;
            break;
        }
        case DW_OP_const_type: case DW_OP_GNU_const_type: {
            int size, sgn;
            Dwarf_Attribute r;
            Dwarf_Block blk;
            if (base_type(m, op, &size, &sgn) < 0)
                return -1;
            if (dwarf_getlocation_attr(m->attr, op, &r) != 0 || dwarf_formblock(&r, &blk) != 0 ||
                blk.length > 8)
                return fail(m, "cannot read DW_OP_const_type operand");
            a = 0;
            for (size_t k = blk.length; k-- > 0;)
                a = a << 8 | blk.data[k];
            if (push(m, fit(a, size, sgn)) < 0)
                return -1;
            break;
        }
        case DW_OP_convert: case DW_OP_GNU_convert:
        case DW_OP_reinterpret: case DW_OP_GNU_reinterpret: {
            if (pop(m, &a) < 0)
                return -1;
            if (op->number != 0) {      /* 0: back to the generic type */
                int size, sgn;
                if (base_type(m, op, &size, &sgn) < 0)
                    return -1;
                a = fit(a, size, sgn);
            }
            if (push(m, a) < 0)
                return -1;
            break;
        }
        case DW_OP_fbreg: {
            const char *why = NULL;
            if (!m->f->frame_base || m->f->frame_base(m->f->arg, &a, &why) < 0)
                return fail(m, why ? why : "no frame base");
            if (push(m, a + op->number) < 0)
                return -1;
            break;
        }
        case DW_OP_call_frame_cfa: {
            const char *why = NULL;
            if (m->f->cfa(m->f->arg, &a, &why) < 0)
                return fail(m, why ? why : "CFA unknown");
            if (push(m, a) < 0)
                return -1;
            break;
        }
        case DW_OP_entry_value: case DW_OP_GNU_entry_value: {
            Dwarf_Attribute sub;
            Dwarf_Op *sops;
            size_t sn;
            const char *why = NULL;
            if (dwarf_getlocation_attr(m->attr, op, &sub) != 0 ||
                dwarf_getlocation(&sub, &sops, &sn) != 0)
                return fail(m, "cannot read DW_OP_entry_value operand");
            if (!m->f->entry_value ||
                m->f->entry_value(m->f->arg, sops, sn, &a, &why) < 0)
                return fail(m, why ? why : "entry value not available");
            loc->entry_value = 1;
            if (push(m, a) < 0)
                return -1;
            break;
        }
        case DW_OP_stack_value:
            if (pop(m, &a) < 0)
                return -1;
            pd.have = 1;
            memset(&pd.p, 0, sizeof pd.p);
            pd.p.kind = SL_PIECE_VALUE;
            pd.p.value = a;
            break;
        case DW_OP_implicit_value: {
            Dwarf_Attribute r;
            Dwarf_Block blk;
            if (dwarf_getlocation_attr(m->attr, op, &r) != 0 || dwarf_formblock(&r, &blk) != 0)
                return fail(m, "cannot read DW_OP_implicit_value operand");
            pd.have = 1;
            memset(&pd.p, 0, sizeof pd.p);
            pd.p.kind = SL_PIECE_IMPLICIT;
            pd.p.bytes = blk.data;
            pd.p.size = blk.length;
            break;
        }
        case DW_OP_piece:
            if (add_piece(m, loc, &pd, op->number) < 0)
                return -1;
            break;
        case DW_OP_bit_piece:
            if (op->number % 8 || op->number2 % 8)
                return fail(m, "a variable in bit pieces");
            if (add_piece(m, loc, &pd, op->number / 8) < 0)
                return -1;
            break;
        case DW_OP_nop:
            break;
        case DW_OP_implicit_pointer: case DW_OP_GNU_implicit_pointer:
            return fail(m, "a pointer the compiler removed (implicit pointer)");
        case DW_OP_form_tls_address: case DW_OP_GNU_push_tls_address:
            return fail(m, "a thread-local variable");
        default:
            return fail(m, "unsupported DWARF operation");
        }
    }
    /* An expression without pieces is one piece: the whole variable. */
    if (loc->count == 0 && (pd.have || m->sp > 0))
        return add_piece(m, loc, &pd, 0);
    if (pd.have || m->sp > 0)
        return fail(m, "malformed DWARF expression (no final piece)");
    return 0;
}

int sl__dwarf_location(const sl_dwarf_frame *f, Dwarf_Attribute *attr,
                       const Dwarf_Op *ops, size_t n, sl_location *loc, const char **why)
{
    machine m = { .f = f, .attr = attr };
    memset(loc, 0, sizeof *loc);
    if (run(&m, ops, n, loc) < 0) {
        *why = m.why;
        return -1;
    }
    return 0;
}

int sl__dwarf_value(const sl_dwarf_frame *f, Dwarf_Attribute *attr,
                    const Dwarf_Op *ops, size_t n, uint64_t *value, const char **why)
{
    sl_location loc;
    if (sl__dwarf_location(f, attr, ops, n, &loc, why) < 0)
        return -1;
    if (loc.count != 1) {
        *why = "a value in pieces";
        return -1;
    }
    const sl_piece *p = &loc.piece[0];
    switch (p->kind) {
    case SL_PIECE_MEMORY:       /* the stack's top: the value itself */
        *value = p->address;
        return 0;
    case SL_PIECE_VALUE:
        *value = p->value;
        return 0;
    case SL_PIECE_REGISTER: {
        machine m = { .f = f, .attr = attr };
        if (reg_value(&m, p->reg, value) < 0) {
            *why = m.why;
            return -1;
        }
        return 0;
    }
    default:
        *why = "no value";
        return -1;
    }
}
