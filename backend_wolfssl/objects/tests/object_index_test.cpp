/* ObjectIndex (object_index.h): a template naming a label, class or id is
 * answered from the index, even when no object has that value (an empty
 * answer, not "look at every object"); only a template naming none of them
 * leaves every object a candidate. */
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "objects/object_index.h"

using p11::AttributeSet;
using p11::ObjectIndex;

namespace {

p11::ObjectRef Made(CK_OBJECT_HANDLE handle, const std::string &label, CK_OBJECT_CLASS klass)
{
    auto object = p11::make_object();
    object->handle = handle;
    object->attrs.set(CKA_LABEL, label.data(), label.size());
    object->attrs.set_ulong(CKA_CLASS, klass);
    p11::object_cache_fields(object.get());
    return object;
}

AttributeSet WithLabel(const std::string &label)
{
    AttributeSet tmpl;
    tmpl.set(CKA_LABEL, label.data(), label.size());
    return tmpl;
}

std::vector<CK_OBJECT_HANDLE> Handles(const p11::ValueIndex::Hits &hits)
{
    std::vector<CK_OBJECT_HANDLE> out;
    hits.for_each([&](const p11::ObjectRef &object) { out.push_back(object->handle); });
    return out;
}

} // namespace

TEST(ObjectIndexTest, LabelNobodyHasIsAnIndexedEmptyAnswer)
{
    ObjectIndex index;
    index.add(Made(1, "a", CKO_DATA));
    index.add(Made(2, "b", CKO_DATA));
    bool indexed = false;
    EXPECT_TRUE(index.candidates(WithLabel("nobody"), &indexed).size() == 0);
    EXPECT_TRUE(indexed) << "not indexed would mean: look at every object";
    EXPECT_EQ(std::vector<CK_OBJECT_HANDLE>{2}, Handles(index.candidates(WithLabel("b"), &indexed)));
    EXPECT_TRUE(indexed);
}

TEST(ObjectIndexTest, SmallerOfLabelAndClassIsTakenAndOtherAttributesAreNotIndexed)
{
    ObjectIndex index;
    for (CK_OBJECT_HANDLE handle = 1; handle <= 4; ++handle) {
        index.add(Made(handle, handle == 3 ? "three" : "many", CKO_DATA));
    }
    AttributeSet tmpl = WithLabel("three");
    tmpl.set_ulong(CKA_CLASS, CKO_DATA);
    bool indexed = false;
    EXPECT_EQ(std::vector<CK_OBJECT_HANDLE>{3}, Handles(index.candidates(tmpl, &indexed)));
    EXPECT_TRUE(indexed);
    AttributeSet token_only;
    token_only.set_bool(CKA_TOKEN, true);
    index.candidates(token_only, &indexed);
    EXPECT_FALSE(indexed);
}
