/* ObjectStore and the object_for_use / object_store_add entry points. */
#include "objects/object_store.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <utility>

#include "library.h"
#include "objects/attribute_rules.h"
#include "objects/pal_io.h"
#include "session.h"

namespace p11 {

namespace {

// Process-wide, so a handle is never handed out twice, not even across
// C_Finalize and C_Initialize.
std::atomic<CK_OBJECT_HANDLE> g_next_handle{1};

CK_OBJECT_HANDLE new_handle()
{
    return g_next_handle.fetch_add(1, std::memory_order_relaxed);
}

// Label, id and class are secret in no class (attribute_rules.cpp), and the
// Object caches them: comparing them reads no attribute buffer.
InlineValue::Match matches_cached(const Object &object, const Attribute &wanted)
{
    switch (wanted.type) {
    case CKA_LABEL:
        return object.label.compare(wanted.value);
    case CKA_ID:
        return object.id.compare(wanted.value);
    case CKA_CLASS:
        if (object.klass == CK_UNAVAILABLE_INFORMATION) {
            break; // absent or malformed: let the attribute answer
        }
        return wanted.value.size() == sizeof(CK_ULONG) &&
                       std::memcmp(wanted.value.data(), &object.klass, sizeof(CK_ULONG)) == 0
                   ? InlineValue::Match::yes
                   : InlineValue::Match::no;
    default:
        break;
    }
    return InlineValue::Match::unknown;
}

bool matches(const Object &object, const AttributeSet &tmpl)
{
    for (const Attribute &wanted : tmpl.items()) {
        const InlineValue::Match cached = matches_cached(object, wanted);
        if (cached != InlineValue::Match::unknown) {
            if (cached == InlineValue::Match::no) {
                return false;
            }
            continue;
        }
        // A find must not become an oracle for values C_GetAttributeValue hides.
        if (attribute_hidden(object.attrs, wanted.type)) {
            return false;
        }
        const ByteView *have = object.attrs.get(wanted.type);
        if (have == nullptr || *have != wanted.value) {
            return false;
        }
    }
    return true;
}

bool is_fixed_label_change(const TokenStorage &storage, const Object &object, const AttributeSet &updated)
{
    if (!object.token || !storage.fixed_labels()) {
        return false;
    }
    const ByteView *before = object.attrs.get(CKA_LABEL);
    const ByteView *after = updated.get(CKA_LABEL);
    return before == nullptr || after == nullptr || *before != *after;
}

// Its secrets are in memory and bound to the token key.
bool sealable(const Object &object)
{
    return !object.sealed && secret_binding(object.attrs) == SecretBinding::token_key;
}

// A token object bound to the token key drops its secrets from memory; its
// record opens them again at the next user login.
void seal_in_memory(Object *object)
{
    if (!sealable(*object)) {
        return;
    }
    AttributeSet public_part;
    for (const Attribute &attribute : object->attrs.items()) {
        if (!attribute_secret(object->attrs, attribute.type)) {
            public_part.set(attribute.type, attribute.value.data(), attribute.value.size());
        }
    }
    object->attrs = std::move(public_part);
    object->sealed = true;
}

// A token object as its record reads, under the given handle.
ObjectPtr object_from_stored(StoredObject &&item, CK_OBJECT_HANDLE handle)
{
    auto object = make_object();
    object->handle = handle;
    object->attrs = std::move(item.attrs);
    object->pal_label = std::move(item.pal_label);
    object->sealed = item.secrets == SecretsState::sealed;
    object->stored_in_clear = item.secrets == SecretsState::legacy_clear;
    object_cache_fields(object.get());
    return object;
}

} // namespace

Login current_login()
{
    // Atomic: no library lock on the C_SignInit path (token_state.h).
    return library().token.login.load(std::memory_order_acquire);
}

CK_RV object_for_use(p11_session *s, CK_OBJECT_HANDLE h, ObjectRef *out)
{
    (void)s; // every session of the application sees the same objects
    ObjectRef object = library().objects.lookup(h, current_login());
    if (!object) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    *out = std::move(object);
    return CKR_OK;
}

CK_RV object_store_add(p11_session *s, std::vector<AttributeSet> objects, CK_OBJECT_HANDLE *handles_out)
{
    return library().objects.add(s, current_login(), std::move(objects), handles_out);
}

CK_RV ObjectStore::start(const LockStrategy &strategy)
{
    CK_RV rv = lock_.create(strategy);
    if (rv == CKR_OK) {
        rv = write_lock_.create(strategy);
    }
    if (rv != CKR_OK) {
        lock_.destroy();
        return rv;
    }
    // Sized once from the profile's limit, so that no later call allocates
    // for them (firmware); without a limit they grow as objects come.
    if (const CK_ULONG limit = p11_active_profile.max_objects; limit != 0) {
        objects_.reserve(limit);
        session_objects_.reserve(limit);
        by_pal_label_.reserve(limit);
    }
    std::vector<StoredObject> stored;
    storage_.load(&stored);
    for (StoredObject &item : stored) {
        insert_locked(object_from_stored(std::move(item), new_handle())); // nothing else runs during C_Initialize
    }
    return CKR_OK;
}

void ObjectStore::stop()
{
    objects_.for_each([](const ObjectRef &object) {
        object->in_store.set(false); // a search that outlives the store skips it
    });
    objects_.clear();
    index_.clear();
    session_objects_.clear();
    by_pal_label_.clear();
    storage_.clear();
    write_lock_.destroy();
    lock_.destroy();
}

void ObjectStore::lock_store_for(CK_OBJECT_HANDLE handle, Login login, std::optional<StoreLock> *store)
{
    // Whether an object is a token object never changes (CKA_TOKEN is fixed),
    // so a look before the write lock decides; the change looks again.
    const ObjectRef object = lookup(handle, login);
    if (object && object->token) {
        store->emplace();
    }
}

ObjectRef ObjectStore::find_locked(CK_OBJECT_HANDLE handle) const
{
    const ObjectRef *object = objects_.find(handle);
    return object != nullptr ? *object : ObjectRef();
}

void ObjectStore::insert_locked(const ObjectRef &object)
{
    objects_.put(object);
    object->in_store.set(true);
    index_.add(object);
    if (!object->token) {
        session_objects_.put(object);
    } else if (!object->pal_label.empty()) {
        by_pal_label_.put(object);
    }
}

void ObjectStore::erase_locked(CK_OBJECT_HANDLE handle)
{
    const ObjectRef gone = find_locked(handle); // held until the tables let go
    if (!gone) {
        return;
    }
    gone->in_store.set(false);
    index_.remove(*gone);
    if (gone->token) {
        const ObjectRef *named = by_pal_label_.find(gone->pal_label);
        if (named != nullptr && (*named)->handle == handle) {
            by_pal_label_.erase(gone->pal_label);
        }
    } else {
        session_objects_.erase(handle);
    }
    objects_.erase(handle);
}

ObjectRef ObjectStore::lookup(CK_OBJECT_HANDLE handle, Login login)
{
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return ObjectRef();
    }
    ObjectRef object = find_locked(handle);
    return object && visible(*object, login) ? object : ObjectRef();
}

CK_RV ObjectStore::add(p11_session *s, Login login, std::vector<AttributeSet> objects, CK_OBJECT_HANDLE *handles_out)
{
    std::vector<ObjectPtr> built;
    for (AttributeSet &attrs : objects) {
        auto object = make_object();
        object->attrs = std::move(attrs);
        object_cache_fields(object.get());
        if (object->token && !s->read_write()) {
            return CKR_SESSION_READ_ONLY;
        }
        if (object->is_private && login != Login::user) {
            return CKR_USER_NOT_LOGGED_IN;
        }
        object->owner = object->token ? CK_INVALID_HANDLE : s->handle;
        built.push_back(std::move(object));
    }

    // Lock order: store lock, then write lock (store_sync.h takes both so);
    // session objects leave the store (and other processes) alone.
    std::optional<StoreLock> store;
    if (std::any_of(built.begin(), built.end(), [](const ObjectPtr &o) { return o->token; })) {
        store.emplace();
    }
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return writing.rv();
    }
    LabelSet replaceable;
    std::vector<CK_OBJECT_HANDLE> replaced;
    {
        LockGuard guard(lock_);
        if (guard.rv() != CKR_OK) {
            return guard.rv();
        }
        find_replaced_locked(built, login, &replaceable, &replaced);
        const CK_ULONG limit = p11_active_profile.max_objects;
        if (limit != 0 && objects_.size() - replaced.size() + built.size() > limit) {
            return CKR_DEVICE_MEMORY;
        }
    }

    std::vector<const AttributeSet *> to_store;
    std::vector<Object *> token_objects;
    for (const auto &object : built) {
        if (object->token) {
            to_store.push_back(&object->attrs);
            token_objects.push_back(object.get());
        }
    }
    if (!to_store.empty()) {
        std::vector<std::string> pal_labels;
        CK_RV rv = storage_.add(to_store, &pal_labels, replaceable);
        if (rv != CKR_OK) {
            return rv;
        }
        for (std::size_t i = 0; i < token_objects.size(); ++i) {
            token_objects[i]->pal_label = std::move(pal_labels[i]);
        }
    }

    LockGuard guard(lock_);
    CK_RV rv = guard.rv();
    if (rv == CKR_OK && token_objects.size() != built.size() && s->closed.load(std::memory_order_acquire)) {
        rv = CKR_SESSION_CLOSED; // its session objects would outlive it
    }
    if (guard.rv() == CKR_OK) {
        // Their records are overwritten now (and removed below on failure).
        for (CK_OBJECT_HANDLE handle : replaced) {
            erase_locked(handle);
        }
    }
    if (rv != CKR_OK) {
        for (Object *object : token_objects) {
            (void)storage_.remove(object->pal_label);
        }
        return rv;
    }
    for (std::size_t i = 0; i < built.size(); ++i) {
        built[i]->handle = new_handle();
        handles_out[i] = built[i]->handle;
        insert_locked(built[i]);
    }
    return CKR_OK;
}

void ObjectStore::find_replaced_locked(const std::vector<ObjectPtr> &built, Login login,
                                       LabelSet *replaceable, std::vector<CK_OBJECT_HANDLE> *replaced)
{
    if (!storage_.fixed_labels()) {
        return;
    }
    for (const auto &object : built) {
        const ByteView *value = object->token ? object->attrs.get(CKA_LABEL) : nullptr;
        const std::string label = value != nullptr ? std::string(value->begin(), value->end()) : std::string();
        const ObjectRef *named = value != nullptr ? by_pal_label_.find(label) : nullptr;
        if (named == nullptr) {
            continue;
        }
        // Only what this caller could destroy: a session that is not logged
        // in cannot wipe a private key by creating a public object over it.
        const Object &old = **named;
        if ((!old.is_private || login == Login::user) && old.attrs.bool_or(CKA_DESTROYABLE, true)) {
            replaceable->insert(label);
            replaced->push_back(old.handle);
        }
    }
}

CK_RV ObjectStore::update(p11_session *s, Login login, CK_OBJECT_HANDLE handle, const CK_ATTRIBUTE *tmpl,
                          CK_ULONG count)
{
    std::optional<StoreLock> store;
    lock_store_for(handle, login, &store);
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return writing.rv();
    }
    ObjectRef current = lookup(handle, login);
    if (!current) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    if (current->token && !s->read_write()) {
        return CKR_SESSION_READ_ONLY;
    }
    if (template_needs_so(tmpl, count) && login != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY;
    }
    // Another process may have changed the record since this process last
    // looked (store_sync.h ran before the store lock was taken): the change
    // starts from the stored record, never from a stale copy.
    ObjectRef base = current;
    std::uint64_t now = 0;
    if (current->token && pal_change_count(&now) && now != changes_seen().load(std::memory_order_acquire)) {
        base = reread_locked(*current);
        if (!base || !visible(*base, login)) {
            LockGuard guard(lock_);
            if (guard.rv() == CKR_OK && find_locked(handle) == current) {
                erase_locked(handle);
                if (base) {
                    insert_locked(base); // changed to private or sealed: it stays, unseen
                }
            }
            return CKR_OBJECT_HANDLE_INVALID;
        }
    }
    auto next = make_object(*base);
    CK_RV rv = apply_set_template(base->attrs, tmpl, count, &next->attrs);
    if (rv != CKR_OK) {
        return rv;
    }
    // A fixed-label store keeps the record under the label: it names the slot.
    if (is_fixed_label_change(storage_, *base, next->attrs)) {
        return CKR_ATTRIBUTE_READ_ONLY;
    }
    object_cache_fields(next.get());
    if (current->token) {
        rv = storage_.replace(current->pal_label, next->attrs);
        if (rv == CKR_OBJECT_HANDLE_INVALID) {
            // Gone from the store (another process destroyed it or
            // initialized the token): gone here too, and not written back.
            LockGuard guard(lock_);
            if (guard.rv() == CKR_OK && find_locked(handle) == current) {
                erase_locked(handle);
            }
        }
        if (rv != CKR_OK) {
            return rv;
        }
    }
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (find_locked(handle) != current) {
        return CKR_OBJECT_HANDLE_INVALID; // its session closed meanwhile
    }
    erase_locked(handle);
    insert_locked(next);
    return CKR_OK;
}

CK_RV ObjectStore::destroy(p11_session *s, Login login, CK_OBJECT_HANDLE handle)
{
    std::optional<StoreLock> store;
    lock_store_for(handle, login, &store);
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return writing.rv();
    }
    ObjectRef object = lookup(handle, login);
    if (!object) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    if (object->token && !s->read_write()) {
        return CKR_SESSION_READ_ONLY;
    }
    if (!object->attrs.bool_or(CKA_DESTROYABLE, true)) {
        return CKR_ACTION_PROHIBITED;
    }
    if (object->token) {
        CK_RV rv = storage_.remove(object->pal_label);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    erase_locked(handle);
    return CKR_OK;
}

CK_RV ObjectStore::search(const AttributeSet &tmpl, Login login, std::vector<ObjectRef> *out)
{
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    out->clear();
    bool indexed = false;
    const ValueIndex::Hits candidates = index_.candidates(tmpl, &indexed);
    if (indexed) {
        candidates.for_each([&](const ObjectRef &object) {
            if (visible(*object, login) && matches(*object, tmpl)) {
                out->push_back(object);
            }
        });
        return CKR_OK;
    }
    // Creation order, as the indexed path gives; sorted by the map's keys, so
    // that the sort reads no Object.
    std::vector<std::pair<CK_OBJECT_HANDLE, const ObjectRef *>> hits;
    objects_.for_each([&](const ObjectRef &object) {
        if (visible(*object, login) && matches(*object, tmpl)) {
            hits.emplace_back(object->handle, &object);
        }
    });
    std::sort(hits.begin(), hits.end());
    out->reserve(hits.size());
    for (const auto &hit : hits) {
        out->push_back(*hit.second);
    }
    return CKR_OK;
}

CK_ULONG ObjectStore::take_visible(const std::vector<ObjectRef> &found, std::size_t *next, CK_ULONG max, Login login,
                                   CK_OBJECT_HANDLE *out)
{
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return 0;
    }
    CK_ULONG taken = 0;
    while (taken < max && *next < found.size()) {
        const ObjectRef &object = found[(*next)++];
        // Destroyed or replaced (C_SetAttributeValue, C_Logout's new handles)
        // since C_FindObjectsInit: the handle's current object, if any, decides.
        const Object *current = object.get();
        ObjectRef replacement;
        if (!object->in_store.held()) {
            replacement = find_locked(object->handle);
            current = replacement.get();
        }
        if (current != nullptr && visible(*current, login)) {
            out[taken++] = current->handle;
        }
    }
    return taken;
}

void ObjectStore::drop_session_objects(CK_SESSION_HANDLE session)
{
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return;
    }
    // Allocates nothing: a session that closes must not keep its objects
    // because a list of them could not be made.
    session_objects_.erase_if([&](const ObjectRef &object) {
        if (object->owner != session) {
            return false;
        }
        object->in_store.set(false);
        index_.remove(*object);
        objects_.erase(object->handle);
        return true;
    });
}

void ObjectStore::drop_all_session_objects()
{
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return;
    }
    session_objects_.for_each([&](const ObjectRef &object) {
        object->in_store.set(false);
        index_.remove(*object);
        objects_.erase(object->handle);
    });
    session_objects_.clear();
}

void ObjectStore::drop_private_session_objects()
{
    // After any change in flight: a C_SetAttributeValue or C_DestroyObject
    // that has written the store also finishes in the map, under the handle
    // it was given, before the handles change.
    LockGuard writing(write_lock_);
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return;
    }
    std::vector<CK_OBJECT_HANDLE> doomed;
    session_objects_.for_each([&](const ObjectRef &object) {
        if (object->is_private) {
            doomed.push_back(object->handle);
        }
    });
    for (CK_OBJECT_HANDLE handle : doomed) {
        erase_locked(handle);
    }
    // Handles to private token objects become invalid too, "even if a user is
    // later logged back into the token": they get new handles.
    reseal_private_token_objects_locked(true);
}

void ObjectStore::seal_private_token_objects()
{
    LockGuard writing(write_lock_);
    LockGuard guard(lock_);
    if (guard.rv() == CKR_OK) {
        reseal_private_token_objects_locked(false);
    }
}

void ObjectStore::reseal_private_token_objects_locked(bool new_handles)
{
    std::vector<ObjectRef> affected;
    objects_.for_each([&](const ObjectRef &object) {
        if (object->token && object->is_private && (new_handles || sealable(*object))) {
            affected.push_back(object);
        }
    });
    for (const ObjectRef &old : affected) {
        auto fresh = make_object(*old);
        if (new_handles) {
            fresh->handle = new_handle();
        }
        seal_in_memory(fresh.get());
        erase_locked(old->handle);
        insert_locked(fresh);
    }
}

ObjectRef ObjectStore::reread_locked(const Object &object)
{
    StoredObject stored;
    bool present = false;
    if (!read_stored_object(object.pal_label, &stored, &present)) {
        return ObjectRef();
    }
    return object_from_stored(std::move(stored), object.handle);
}

void ObjectStore::open_sealed_objects()
{
    StoreLock store;
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return;
    }
    std::vector<ObjectRef> pending;
    {
        LockGuard guard(lock_);
        if (guard.rv() != CKR_OK) {
            return;
        }
        objects_.for_each([&](const ObjectRef &object) {
            if (object->token && (object->sealed || (kReadsFormat1 && object->stored_in_clear))) {
                pending.push_back(object);
            }
        });
    }
    for (const ObjectRef &old : pending) {
        ObjectRef current = old->sealed ? reread_locked(*old) : old;
        if (kReadsFormat1 && current && current->stored_in_clear) {
            // Sealed now; a store that refuses keeps the clear record for the next login.
            const CK_RV rv = storage_.replace(current->pal_label, current->attrs);
            if (rv == CKR_OK) {
                auto sealed = make_object(*current);
                sealed->stored_in_clear = false;
                current = std::move(sealed);
            } else if (rv == CKR_OBJECT_HANDLE_INVALID) {
                current = ObjectRef(); // another process destroyed it
            }
        }
        LockGuard guard(lock_);
        if (guard.rv() != CKR_OK) {
            return;
        }
        if (find_locked(old->handle) != old) {
            continue;
        }
        erase_locked(old->handle);
        if (current) {
            insert_locked(current);
        }
    }
}

CK_RV ObjectStore::destroy_token_objects()
{
    StoreLock store;
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return writing.rv();
    }
    CK_RV rv = storage_.remove_all();
    if (rv != CKR_OK) {
        return rv;
    }
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    std::vector<CK_OBJECT_HANDLE> doomed;
    objects_.for_each([&](const ObjectRef &object) {
        if (object->token) {
            doomed.push_back(object->handle);
        }
    });
    for (CK_OBJECT_HANDLE handle : doomed) {
        erase_locked(handle);
    }
    return CKR_OK;
}

void ObjectStore::apply_changes(const LabelSet *pal_labels)
{
    LockGuard writing(write_lock_);
    if (writing.rv() != CKR_OK) {
        return;
    }
    std::vector<StoredObject> stored;
    std::vector<std::string> gone;
    if (pal_labels == nullptr) {
        storage_.load(&stored); // the journal does not reach back: all of it
    } else {
        for (const std::string &label : *pal_labels) {
            if (!storage_.object_label(label)) {
                continue; // the token record or an index page
            }
            StoredObject item;
            bool present = false;
            if (storage_.holds(label) && read_stored_object(label, &item, &present)) {
                stored.push_back(std::move(item));
            } else {
                gone.push_back(label); // destroyed, not yet listed, or unreadable
            }
        }
    }
    LockGuard guard(lock_);
    if (guard.rv() != CKR_OK) {
        return;
    }
    std::vector<CK_OBJECT_HANDLE> kept; // the handles read again
    for (StoredObject &item : stored) {
        const ObjectRef *named = by_pal_label_.find(item.pal_label);
        const CK_OBJECT_HANDLE handle = named != nullptr ? (*named)->handle : new_handle();
        kept.push_back(handle);
        if (named != nullptr) {
            erase_locked(handle);
        }
        insert_locked(object_from_stored(std::move(item), handle));
    }
    if (pal_labels == nullptr) {
        std::sort(kept.begin(), kept.end());
        by_pal_label_.for_each([&](const ObjectRef &object) {
            if (!std::binary_search(kept.begin(), kept.end(), object->handle)) {
                gone.push_back(object->pal_label);
            }
        });
    }
    for (const std::string &label : gone) {
        const ObjectRef *named = by_pal_label_.find(label);
        if (named != nullptr) {
            erase_locked((*named)->handle);
        }
    }
}

std::size_t ObjectStore::size()
{
    LockGuard guard(lock_);
    return guard.rv() == CKR_OK ? objects_.size() : 0;
}

} // namespace p11
