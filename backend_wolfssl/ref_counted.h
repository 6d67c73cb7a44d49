/* Shared ownership with the count inside the object, atomic on every target.
 *
 * Why not std::shared_ptr: libstdc++ makes its counts atomic only when it was
 * built with thread support (ext/atomicity.h asks __gthread_active_p), and
 * the arm-none-eabi libstdc++ has none, so two tasks copying one reference
 * would race on a plain increment. std::atomic<std::uint32_t> is lock-free
 * LDREX/STREX on ARMv7-M and a locked add on hosts; the count also saves the
 * control block and the type-erased deleter of shared_ptr.
 *
 *   struct Thing : RefCounted { ... };
 *   Ref<Thing> made = make_ref<Thing>(args...);  // count 1
 *   Ref<const Thing> shared = made;              // count 2
 *
 * The last Ref to go deletes the object. A copied object starts with a count
 * of its own (RefCounted's copy does not copy the count). */
#ifndef P11_BACKEND_REF_COUNTED_H
#define P11_BACKEND_REF_COUNTED_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace p11 {

template <typename T> class Ref;

class RefCounted {
  protected:
    RefCounted() = default;
    RefCounted(const RefCounted &) {}
    // Copies nothing: a copy's count is its own, so self-assignment is a no-op too.
    RefCounted &operator=(const RefCounted &) { return *this; } // NOLINT(cert-oop54-cpp)
    ~RefCounted() = default;

  private:
    template <typename> friend class Ref;
    mutable std::atomic<std::uint32_t> refs_{0};
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "reference counts need lock-free 32-bit atomics");

// Only to the same type made const: a Ref deletes through its own type,
// and RefCounted types have no virtual destructor.
template <typename U, typename T>
constexpr bool kRefConvertible = std::is_same_v<const U, T> && !std::is_same_v<U, T>;

// The static analyzer does not model the atomic count: it takes every drop() as the last
// and reports the other owners' later use as use after free. ref_counted_test and the
// AddressSanitizer and ThreadSanitizer runs check the counting itself.
// NOLINTBEGIN(clang-analyzer-cplusplus.NewDelete)
template <typename T> class Ref {
  public:
    Ref() noexcept = default;
    Ref(std::nullptr_t) noexcept {}
    // Takes a new object (count 0) or shares one already counted.
    explicit Ref(T *object) noexcept : object_(object) { retain(); }
    Ref(const Ref &other) noexcept : object_(other.object_) { retain(); }
    Ref(Ref &&other) noexcept : object_(other.object_) { other.object_ = nullptr; }
    template <typename U, typename = std::enable_if_t<kRefConvertible<U, T>>>
    Ref(const Ref<U> &other) noexcept : object_(other.get())
    {
        retain();
    }
    template <typename U, typename = std::enable_if_t<kRefConvertible<U, T>>>
    Ref(Ref<U> &&other) noexcept : object_(other.release())
    {
    }
    ~Ref() { drop(); }

    Ref &operator=(Ref other) noexcept
    {
        std::swap(object_, other.object_);
        return *this;
    }

    T *get() const noexcept { return object_; }
    T *operator->() const noexcept { return object_; }
    T &operator*() const noexcept { return *object_; }
    explicit operator bool() const noexcept { return object_ != nullptr; }
    void reset() noexcept { Ref().swap(*this); }
    void swap(Ref &other) noexcept { std::swap(object_, other.object_); }
    // How many references share the object (0 for none): for tests.
    std::uint32_t use_count() const noexcept
    {
        return object_ != nullptr ? count().load(std::memory_order_relaxed) : 0;
    }
    // Hands the counted pointer over without dropping it (the converting move).
    T *release() noexcept
    {
        T *object = object_;
        object_ = nullptr;
        return object;
    }

  private:
    std::atomic<std::uint32_t> &count() const noexcept { return static_cast<const RefCounted *>(object_)->refs_; }
    void retain() noexcept
    {
        if (object_ != nullptr) {
            count().fetch_add(1, std::memory_order_relaxed);
        }
    }
    void drop() noexcept
    {
        // acq_rel: the last owner sees every other owner's writes before deleting.
        if (object_ != nullptr && count().fetch_sub(1, std::memory_order_acq_rel) == 1) {
            delete object_;
        }
        object_ = nullptr;
    }

    T *object_ = nullptr;
};
// NOLINTEND(clang-analyzer-cplusplus.NewDelete)

template <typename T, typename U> bool operator==(const Ref<T> &a, const Ref<U> &b) noexcept
{
    return a.get() == b.get();
}
template <typename T, typename U> bool operator!=(const Ref<T> &a, const Ref<U> &b) noexcept
{
    return a.get() != b.get();
}
template <typename T> bool operator==(const Ref<T> &a, std::nullptr_t) noexcept
{
    return a.get() == nullptr;
}
template <typename T> bool operator!=(const Ref<T> &a, std::nullptr_t) noexcept
{
    return a.get() != nullptr;
}
template <typename T> bool operator==(std::nullptr_t, const Ref<T> &a) noexcept
{
    return a.get() == nullptr;
}
template <typename T> bool operator!=(std::nullptr_t, const Ref<T> &a) noexcept
{
    return a.get() != nullptr;
}

// A new object, counted once. Allocation failure is operator new's (hosts:
// std::bad_alloc, which the p11be_ entries answer with CKR_HOST_MEMORY).
template <typename T, typename... Args> Ref<T> make_ref(Args &&...args)
{
    return Ref<T>(new T(std::forward<Args>(args)...));
}

} // namespace p11

#endif // P11_BACKEND_REF_COUNTED_H
