// The FreeRTOS port (port/freertos/p11_port_freertos.c) over a stand-in of the
// FreeRTOS API on POSIX threads (fake_freertos/): the mutex pool's bound and
// reuse, mutual exclusion across threads, one API lock made once however
// many tasks call first, memory from FreeRTOS's heap.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "FreeRTOS.h"
#include "p11_port.h"

namespace {

#ifndef P11_PORT_FREERTOS_MUTEXES
#define P11_PORT_FREERTOS_MUTEXES 36
#endif

TEST(PortFreertos, MutexPoolGivesDistinctMutexesThenNullThenReusesAFreedOne)
{
    std::vector<p11_port_mutex *> made;
    std::set<p11_port_mutex *> distinct;
    for (int i = 0; i < P11_PORT_FREERTOS_MUTEXES; ++i) {
        p11_port_mutex *mutex = p11_port_mutex_create();
        ASSERT_NE(mutex, nullptr) << "mutex " << i;
        made.push_back(mutex);
        distinct.insert(mutex);
    }
    EXPECT_EQ(distinct.size(), made.size());
    EXPECT_EQ(p11_port_mutex_create(), nullptr) << "the pool is used up: the backend answers CKR_HOST_MEMORY";

    const unsigned long deleted = fake_freertos.mutexes_deleted;
    p11_port_mutex_free(made[7]);
    EXPECT_EQ(fake_freertos.mutexes_deleted, deleted + 1) << "a freed mutex's semaphore is deleted";
    p11_port_mutex *again = p11_port_mutex_create();
    EXPECT_EQ(again, made[7]) << "its slot is reused";
    made[7] = again;
    for (p11_port_mutex *mutex : made) {
        p11_port_mutex_free(mutex);
    }
    p11_port_mutex_free(nullptr); // allowed, as free(NULL)
}

TEST(PortFreertos, MutexExcludesOtherThreads)
{
    p11_port_mutex *mutex = p11_port_mutex_create();
    ASSERT_NE(mutex, nullptr);
    long counter = 0;
    auto work = [&] {
        for (int i = 0; i < 100000; ++i) {
            p11_port_mutex_lock(mutex);
            long seen = counter;
            counter = seen + 1; // lost updates show if the lock does not hold
            p11_port_mutex_unlock(mutex);
        }
    };
    std::thread a(work);
    std::thread b(work);
    a.join();
    b.join();
    EXPECT_EQ(counter, 200000);
    p11_port_mutex_free(mutex);
}

TEST(PortFreertos, ApiLockIsMadeOnceAndHeldOneCallAtATime)
{
    const unsigned long made_before = fake_freertos.mutexes_made;
    int inside = 0;
    int most_inside = 0;
    auto call = [&] {
        for (int i = 0; i < 20000; ++i) {
            p11_port_api_enter();
            ++inside;
            most_inside = std::max(most_inside, inside);
            --inside;
            p11_port_api_leave();
        }
    };
    std::vector<std::thread> tasks;
    for (int t = 0; t < 4; ++t) {
        tasks.emplace_back(call);
    }
    for (std::thread &task : tasks) {
        task.join();
    }
    EXPECT_EQ(most_inside, 1) << "two calls ran at once";
    EXPECT_EQ(fake_freertos.mutexes_made - made_before, 1u) << "the API lock is made by the first call only";
}

TEST(PortFreertos, MemoryComesFromTheFreertosHeapAndExhaustionIsNull)
{
    const unsigned long blocks = fake_freertos.heap_blocks;
    void *block = p11_port_malloc(64);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(fake_freertos.heap_blocks, blocks + 1);
    p11_port_free(block);
    EXPECT_EQ(fake_freertos.heap_blocks, blocks);

    const unsigned long refusals = p11_port_heap_refusals();
    fake_freertos.mallocs_before_failure = 1; // the next allocation fails
    EXPECT_EQ(p11_port_malloc(64), nullptr);
    fake_freertos.mallocs_before_failure = 0;
    EXPECT_EQ(p11_port_heap_refusals(), refusals + 1); // the token can tell a full heap from a broken flash
}

} // namespace
