/* fdt.c - a tiny flattened device tree writer (see fdt.h). */
#include "fdt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_VERSION 17
#define FDT_LAST_COMP_VERSION 16
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_END 9u
#define FDT_HEADER_SIZE 40u
#define FDT_RSVMAP_SIZE 16u /* one all-zero entry: the terminator */

static void die(const char *what)
{
    fprintf(stderr, "vmm: device tree writer: %s\n", what);
    exit(3);
}

static void *grow(void *buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return buf;
    size_t cap2 = *cap ? *cap : 1024;
    while (cap2 < need)
        cap2 *= 2;
    buf = realloc(buf, cap2);
    if (!buf)
        die("out of memory");
    *cap = cap2;
    return buf;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void emit(struct fdt *f, const void *data, size_t len)
{
    size_t padded = (len + 3) & ~(size_t)3;
    f->structs = grow(f->structs, &f->structs_cap, f->structs_len + padded);
    memcpy(f->structs + f->structs_len, data, len);
    memset(f->structs + f->structs_len + len, 0, padded - len);
    f->structs_len += padded;
}

static void emit_u32(struct fdt *f, uint32_t v)
{
    uint8_t b[4];
    put_be32(b, v);
    emit(f, b, 4);
}

/* Offset of `name` in the strings block, adding it if new. */
static uint32_t string_offset(struct fdt *f, const char *name)
{
    size_t n = strlen(name) + 1;
    for (size_t off = 0; off < f->strings_len; off += strlen(f->strings + off) + 1)
        if (strcmp(f->strings + off, name) == 0)
            return (uint32_t)off;
    f->strings = grow(f->strings, &f->strings_cap, f->strings_len + n);
    memcpy(f->strings + f->strings_len, name, n);
    f->strings_len += n;
    return (uint32_t)(f->strings_len - n);
}

void fdt_init(struct fdt *f)
{
    memset(f, 0, sizeof *f);
}

void fdt_free(struct fdt *f)
{
    free(f->structs);
    free(f->strings);
    free(f->blob);
    memset(f, 0, sizeof *f);
}

void fdt_begin_node(struct fdt *f, const char *name)
{
    emit_u32(f, FDT_BEGIN_NODE);
    emit(f, name, strlen(name) + 1);
    f->depth++;
}

void fdt_end_node(struct fdt *f)
{
    if (f->depth <= 0)
        die("fdt_end_node without a node");
    emit_u32(f, FDT_END_NODE);
    f->depth--;
}

void fdt_prop(struct fdt *f, const char *name, const void *val, size_t len)
{
    if (f->depth <= 0)
        die("property outside a node");
    emit_u32(f, FDT_PROP);
    emit_u32(f, (uint32_t)len);
    emit_u32(f, string_offset(f, name));
    if (len)
        emit(f, val, len);
}

void fdt_prop_empty(struct fdt *f, const char *name)
{
    fdt_prop(f, name, NULL, 0);
}

void fdt_prop_u32(struct fdt *f, const char *name, uint32_t v)
{
    fdt_prop_cells(f, name, &v, 1);
}

void fdt_prop_u64(struct fdt *f, const char *name, uint64_t v)
{
    uint32_t cells[2] = {(uint32_t)(v >> 32), (uint32_t)v};
    fdt_prop_cells(f, name, cells, 2);
}

void fdt_prop_cells(struct fdt *f, const char *name, const uint32_t *cells, size_t n)
{
    uint8_t *buf = malloc(n * 4 + 1);
    if (!buf)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        put_be32(buf + 4 * i, cells[i]);
    fdt_prop(f, name, buf, n * 4);
    free(buf);
}

void fdt_prop_string(struct fdt *f, const char *name, const char *s)
{
    fdt_prop(f, name, s, strlen(s) + 1);
}

void fdt_prop_strings(struct fdt *f, const char *name, const char *const *s, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(s[i]) + 1;
    char *buf = malloc(len + 1);
    if (!buf)
        die("out of memory");
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(s[i]) + 1;
        memcpy(buf + off, s[i], l);
        off += l;
    }
    fdt_prop(f, name, buf, len);
    free(buf);
}

size_t fdt_finish(struct fdt *f, uint32_t boot_cpuid)
{
    if (f->depth != 0)
        die("unbalanced nodes at fdt_finish");
    emit_u32(f, FDT_END);
    uint32_t off_rsv = FDT_HEADER_SIZE;
    uint32_t off_struct = off_rsv + FDT_RSVMAP_SIZE;
    uint32_t off_strings = off_struct + (uint32_t)f->structs_len;
    uint32_t total = off_strings + (uint32_t)f->strings_len;
    total = (total + 7) & ~7u;
    free(f->blob);
    f->blob = calloc(1, total);
    if (!f->blob)
        die("out of memory");
    uint8_t *h = f->blob;
    put_be32(h + 0, FDT_MAGIC);
    put_be32(h + 4, total);
    put_be32(h + 8, off_struct);
    put_be32(h + 12, off_strings);
    put_be32(h + 16, off_rsv);
    put_be32(h + 20, FDT_VERSION);
    put_be32(h + 24, FDT_LAST_COMP_VERSION);
    put_be32(h + 28, boot_cpuid);
    put_be32(h + 32, (uint32_t)f->strings_len);
    put_be32(h + 36, (uint32_t)f->structs_len);
    memcpy(h + off_struct, f->structs, f->structs_len);
    memcpy(h + off_strings, f->strings, f->strings_len);
    f->blob_len = total;
    return total;
}
