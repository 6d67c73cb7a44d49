/* Allocation failures for the PAL test kit (flash_testkit_alloc.c). */
#ifndef P11_FLASH_TESTKIT_ALLOC_H
#define P11_FLASH_TESTKIT_ALLOC_H

#ifdef __cplusplus
extern "C" {
#endif

/* After n more allocations succeed, every later one fails (n -1: none). */
void flash_testkit_fail_allocation(long n);
/* Whether an allocation failed since flash_testkit_fail_allocation. */
int flash_testkit_allocation_failed(void);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_TESTKIT_ALLOC_H */
