/* loader.c - ELF (PT_LOAD at p_paddr) or raw binary into guest RAM. */
#define _GNU_SOURCE
#include "loader.h"
#include "vmm.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static uint8_t *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        failf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        cap *= 2;
        uint8_t *b2 = realloc(buf, cap);
        if (!b2)
            free(buf);
        buf = b2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        failf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    *len = n;
    return buf;
}

static int fits(uint64_t addr, uint64_t size, uint64_t base, uint64_t ram_size)
{
    return addr >= base && addr - base <= ram_size && size <= ram_size - (addr - base);
}

static int load_elf(const char *path, const uint8_t *img, size_t len, uint8_t *ram,
                    uint64_t ram_base, uint64_t ram_size, struct guest_image *out,
                    char *err, size_t errlen)
{
    if (len < sizeof(Elf64_Ehdr))
        return failf(err, errlen, "%s: truncated ELF header", path);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_RISCV)
        return failf(err, errlen, "%s: not a little-endian ELF64 RISC-V file", path);
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
        return failf(err, errlen, "%s: bad program header table", path);
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
    out->lo = UINT64_MAX;
    out->hi = 0;
    int loaded = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_offset > len || p->p_filesz > len - p->p_offset)
            return failf(err, errlen, "%s: segment %u lies outside the file", path, i);
        if (!fits(p->p_paddr, p->p_memsz, ram_base, ram_size))
            return failf(err, errlen,
                         "%s: segment %u at 0x%llx (+0x%llx) is outside guest RAM "
                         "0x%llx..0x%llx (use --mem)",
                         path, i, (unsigned long long)p->p_paddr,
                         (unsigned long long)p->p_memsz, (unsigned long long)ram_base,
                         (unsigned long long)(ram_base + ram_size));
        uint8_t *dst = ram + (p->p_paddr - ram_base);
        memcpy(dst, img + p->p_offset, p->p_filesz);
        memset(dst + p->p_filesz, 0, p->p_memsz - p->p_filesz);
        if (p->p_paddr < out->lo)
            out->lo = p->p_paddr;
        if (p->p_paddr + p->p_memsz > out->hi)
            out->hi = p->p_paddr + p->p_memsz;
        loaded++;
    }
    if (!loaded)
        return failf(err, errlen, "%s: no PT_LOAD segment", path);
    out->is_elf = 1;
    out->entry = eh->e_entry;
    return 0;
}

int load_guest(const char *path, uint8_t *ram, uint64_t ram_base, uint64_t ram_size,
               struct guest_image *out, char *err, size_t errlen)
{
    size_t len = 0;
    uint8_t *img = read_file(path, &len, err, errlen);
    if (!img)
        return -1;
    int rc;
    memset(out, 0, sizeof *out);
    if (len >= 4 && memcmp(img, ELFMAG, SELFMAG) == 0) {
        rc = load_elf(path, img, len, ram, ram_base, ram_size, out, err, errlen);
    } else if (len == 0) {
        rc = failf(err, errlen, "%s is empty", path);
    } else if (!fits(GUEST_RAW_LOAD, len, ram_base, ram_size)) {
        rc = failf(err, errlen, "%s (%zu bytes) does not fit in guest RAM at 0x%llx (use --mem)",
                   path, len, (unsigned long long)GUEST_RAW_LOAD);
    } else {
        memcpy(ram + (GUEST_RAW_LOAD - ram_base), img, len);
        out->entry = out->lo = GUEST_RAW_LOAD;
        out->hi = GUEST_RAW_LOAD + len;
        rc = 0;
    }
    free(img);
    return rc;
}
