// What the CPU can do, for choosing the tensor kernels at run time (x86-64: AVX-512 or AVX2).
#ifndef BACKPROP_TENSORS_CPU_H
#define BACKPROP_TENSORS_CPU_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU has AVX-512 F, BW, DQ and VL (x86-64-v4) and the operating system saves the
/// 512-bit registers, else 0 (and always 0 off x86-64).
int backprop_cpu_has_avx512(void);

/// 1 when the CPU has AVX2 and FMA (x86-64-v3) with OS support, else 0 (always 0 off x86-64).
int backprop_cpu_has_avx2(void);

/// The CPU's brand string ("Intel(R) Xeon(R) Processor …"), or "" where the CPU does not say;
/// written into `buffer` (at least 49 bytes).
void backprop_cpu_model(char *_Nonnull buffer, int size);

/// Asks the CPU to bring the cache line holding `address` into the L1 cache (a hint: no
/// fault, no effect on any value). Inlined into the Swift kernels that call it.
static inline void backprop_prefetch(const void *_Nonnull address) { __builtin_prefetch(address, 0, 3); }

/// `address` itself, through an empty assembly statement the optimizer cannot see into: a
/// pointer advanced by this in a loop is no longer an induction variable it may rewrite. The
/// AVX-512 kernel reads A's rows where they lie through three such pointers (rows 0, 4 and 8)
/// plus 1, 2 and 3 row strides, an address form x86 has (base + index × scale); without this,
/// loop strength reduction turned the twelve rows into twelve pointers and spilled five of
/// them to the stack inside the loop. No instruction is emitted.
static inline const void *_Nonnull backprop_opaque(const void *_Nonnull address) {
#if defined(__x86_64__) || defined(__aarch64__)
    __asm__("" : "+r"(address));
#endif
    return address;
}

/// Tells the CPU that this thread is spinning on a flag (x86 `pause`, arm64 `yield`): the
/// spin then takes less from a hyperthread sibling and less power from the working core.
static inline void backprop_spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif

#endif
