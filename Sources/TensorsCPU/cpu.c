#include "TensorsCPU.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

/// Leaf 1 ECX bit 27: the OS enabled XSAVE, so XCR0 can be read.
static int os_saves(unsigned long long mask) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    return (xgetbv0() & mask) == mask;
}

int backprop_cpu_has_avx2(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, avx = (c >> 28) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1;
    return fma && avx && avx2 && os_saves(0x6);   // XMM and YMM state
}

int backprop_cpu_has_avx512(void) {
    unsigned int a, b, c, d;
    if (!backprop_cpu_has_avx2() || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    return f && dq && bw && vl && os_saves(0xe6);   // XMM, YMM, opmask, ZMM0-15 high, ZMM16-31
}

void backprop_cpu_model(char *buffer, int size) {
    unsigned int words[12];
    memset(buffer, 0, (size_t)size);
    if (size < 49 || __get_cpuid_max(0x80000000, 0) < 0x80000004) return;
    for (unsigned int i = 0; i < 3; i++) {
        __get_cpuid(0x80000002 + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
    }
    memcpy(buffer, words, 48);
    buffer[48] = 0;
    // Trim the padding spaces some CPUs put before and after the name.
    char *start = buffer;
    while (*start == ' ') start++;
    memmove(buffer, start, strlen(start) + 1);
    for (int n = (int)strlen(buffer); n > 0 && buffer[n - 1] == ' '; n--) buffer[n - 1] = 0;
}
#else
int backprop_cpu_has_avx2(void) { return 0; }
int backprop_cpu_has_avx512(void) { return 0; }
void backprop_cpu_model(char *buffer, int size) {
    if (size > 0) buffer[0] = 0;
}
#endif
