/* fdt.h - a tiny flattened device tree writer (no libfdt).
 *
 * Format: Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree
 * (DTB) Format"): a 40-byte header, an empty memory reservation block, the
 * structure block (FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE tokens, 4-byte
 * aligned, big-endian) and the strings block (property names, deduplicated).
 *
 * Usage: fdt_init, fdt_begin_node("") for the root, properties and child
 * nodes, fdt_end_node for each node, then fdt_finish to get the blob.
 * Errors (out of memory, unbalanced nodes) end the program with a message.
 */
#ifndef RVH_KVM_FDT_H
#define RVH_KVM_FDT_H

#include <stddef.h>
#include <stdint.h>

struct fdt {
    uint8_t *structs;
    size_t structs_len, structs_cap;
    char *strings;
    size_t strings_len, strings_cap;
    int depth;
    uint8_t *blob;      /* set by fdt_finish */
    size_t blob_len;
};

void fdt_init(struct fdt *f);
void fdt_free(struct fdt *f);

void fdt_begin_node(struct fdt *f, const char *name);
void fdt_end_node(struct fdt *f);

void fdt_prop(struct fdt *f, const char *name, const void *val, size_t len);
void fdt_prop_empty(struct fdt *f, const char *name);
void fdt_prop_u32(struct fdt *f, const char *name, uint32_t v);
void fdt_prop_u64(struct fdt *f, const char *name, uint64_t v);  /* two cells */
void fdt_prop_cells(struct fdt *f, const char *name, const uint32_t *cells, size_t n);
void fdt_prop_string(struct fdt *f, const char *name, const char *s);
/* A string list ("a\0b\0"): `n` strings. */
void fdt_prop_strings(struct fdt *f, const char *name, const char *const *s, size_t n);

/* Writes the header and concatenates the blocks into f->blob (boot CPU id
 * `boot_cpuid`). Returns f->blob_len. */
size_t fdt_finish(struct fdt *f, uint32_t boot_cpuid);

#endif
