/* coremark_like: a CPU-bound benchmark in the spirit of CoreMark (our own
 * code): per iteration it runs a CRC-32 over a buffer, a 16x16 integer
 * matrix multiply, a merge sort of a linked list and a small state machine
 * that scans a text for numbers, folding everything into a checksum that is
 * compared with the known value for the default iteration count.
 *
 * ITERATIONS (compile-time) scales the run; the default executes about
 * 200 million RV64 instructions. Build for the host with -DHOST_BUILD to
 * print the reference checksum of a given ITERATIONS.
 */
#include <stdint.h>
#ifdef HOST_BUILD
#include <stdio.h>
#else
#include "rvh.h"
#endif

#ifndef ITERATIONS
#define ITERATIONS 2000
#define EXPECTED_CHECKSUM 0x8a75f09c37b12cbfull /* from a -DHOST_BUILD run */
#endif

static uint32_t lcg_state;
static uint32_t rnd(void)
{
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state;
}

/* ---- CRC-32 (bitwise, reflected, poly 0xEDB88320) */
static uint8_t crc_buf[512];
static uint32_t crc32(const uint8_t *p, unsigned n, uint32_t crc)
{
  crc = ~crc;
  for (unsigned i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

/* ---- matrix multiply */
#define N 16
static int32_t ma[N][N], mb[N][N], mc[N][N];
static uint32_t matmul(void)
{
  uint32_t sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int32_t acc = 0;
      for (int k = 0; k < N; k++)
        acc += ma[i][k] * mb[k][j];
      mc[i][j] = acc;
      sum = sum * 31 + (uint32_t)acc;
    }
  return sum;
}

/* ---- linked-list merge sort */
struct node {
  struct node *next;
  int32_t key;
  uint32_t idx;
};
#define LIST_LEN 128
static struct node nodes[LIST_LEN];

static struct node *merge(struct node *a, struct node *b)
{
  struct node head, *t = &head;
  while (a && b) {
    if (a->key <= b->key) {
      t->next = a;
      a = a->next;
    } else {
      t->next = b;
      b = b->next;
    }
    t = t->next;
  }
  t->next = a ? a : b;
  return head.next;
}

static struct node *msort(struct node *h)
{
  if (!h || !h->next)
    return h;
  struct node *slow = h, *fast = h->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  struct node *second = slow->next;
  slow->next = 0;
  return merge(msort(h), msort(second));
}

static uint32_t list_work(void)
{
  for (int i = 0; i < LIST_LEN; i++) {
    nodes[i].key = (int32_t)(rnd() >> 8) - (1 << 23);
    nodes[i].idx = (uint32_t)i;
    nodes[i].next = i + 1 < LIST_LEN ? &nodes[i + 1] : 0;
  }
  struct node *h = msort(&nodes[0]);
  uint32_t sum = 0;
  int32_t prev = INT32_MIN;
  for (struct node *p = h; p; p = p->next) {
    if (p->key < prev)
      sum ^= 0xdeadbeef; /* would flag a sorting error */
    prev = p->key;
    sum = sum * 33 + p->idx;
  }
  return sum;
}

/* ---- state machine: scan text, classify tokens (int, hex, word, other) */
static char text[256];
enum { S_START, S_INT, S_HEX0, S_HEX, S_WORD, S_OTHER };
static uint32_t scan(void)
{
  static const char alphabet[] = "0123456789abcdefxyz x0 -+.";
  for (unsigned i = 0; i < sizeof text - 1; i++)
    text[i] = alphabet[rnd() % (sizeof alphabet - 1)];
  text[sizeof text - 1] = 0;
  uint32_t counts[6] = {0}, value = 0, acc = 0;
  int st = S_START;
  for (const char *p = text;; p++) {
    char c = *p;
    int digit = c >= '0' && c <= '9';
    int hexl = c >= 'a' && c <= 'f';
    int alpha = c >= 'a' && c <= 'z';
    int end = c == ' ' || c == 0;
    switch (st) {
    case S_START:
      if (end) break;
      value = 0;
      if (c == '0') st = S_HEX0;
      else if (digit) { st = S_INT; value = (uint32_t)(c - '0'); }
      else if (alpha) st = S_WORD;
      else st = S_OTHER;
      break;
    case S_HEX0:
      if (c == 'x') st = S_HEX;
      else if (digit) { st = S_INT; value = (uint32_t)(c - '0'); }
      else if (end) { counts[S_INT]++; st = S_START; }
      else st = S_OTHER;
      break;
    case S_INT:
      if (digit) value = value * 10 + (uint32_t)(c - '0');
      else if (end) { counts[S_INT]++; acc += value; st = S_START; }
      else st = S_OTHER;
      break;
    case S_HEX:
      if (digit || hexl) value = value * 16 + (uint32_t)(digit ? c - '0' : c - 'a' + 10);
      else if (end) { counts[S_HEX]++; acc ^= value; st = S_START; }
      else st = S_OTHER;
      break;
    case S_WORD:
      if (end) { counts[S_WORD]++; st = S_START; }
      else if (!alpha) st = S_OTHER;
      break;
    default:
      if (end) { counts[S_OTHER]++; st = S_START; }
      break;
    }
    if (!c)
      break;
  }
  return acc + counts[S_INT] * 3 + counts[S_HEX] * 5 + counts[S_WORD] * 7 + counts[S_OTHER] * 11;
}

static uint64_t run(unsigned iterations)
{
  uint64_t checksum = 0;
  lcg_state = 12345;
  for (unsigned it = 0; it < iterations; it++) {
    for (unsigned i = 0; i < sizeof crc_buf; i++)
      crc_buf[i] = (uint8_t)rnd();
    uint32_t c = crc32(crc_buf, sizeof crc_buf, it);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        ma[i][j] = (int32_t)(rnd() % 201) - 100;
        mb[i][j] = (int32_t)((c >> ((i + j) & 15)) & 0xff) - 128;
      }
    uint32_t m = matmul();
    uint32_t l = list_work();
    uint32_t s = scan();
    checksum = (checksum << 7 | checksum >> 57) ^ ((uint64_t)c << 32 | m) ^ ((uint64_t)l << 16) ^ s;
  }
  return checksum;
}

#ifdef HOST_BUILD
int main(void)
{
  printf("ITERATIONS=%u checksum=0x%016llx\n", (unsigned)ITERATIONS,
         (unsigned long long)run(ITERATIONS));
  return 0;
}
#else
int main(void)
{
  uint64_t i0 = csr_read(minstret), t0 = csr_read(time);
  uint64_t sum = run(ITERATIONS);
  uint64_t i1 = csr_read(minstret), t1 = csr_read(time);
  printf("coremark_like: %u iterations, checksum 0x%016lx\n", (unsigned)ITERATIONS, sum);
  printf("coremark_like: minstret delta %lu, time delta %lu ticks (%lu us)\n", i1 - i0,
         t1 - t0, (t1 - t0) / (RVH_TIMEBASE_HZ / 1000000));
#ifdef EXPECTED_CHECKSUM
  CHECK_EQ(sum, EXPECTED_CHECKSUM);
#else
  INFO("non-default ITERATIONS: checksum not checked");
#endif
  rvh_test_done("coremark_like");
}
#endif
