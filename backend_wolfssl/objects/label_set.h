/* A small set of PAL labels in one vector: the labels a fixed-label store
 * holds (its profile lists a handful), the names a change journal gives
 * (at most 64), the labels a create may write over. The std::set subset
 * those callers use, without a node per label and without keeping order
 * (the firmware build has no node-based containers; a linear look over a
 * few dozen labels costs less code and time than sorting them). */
#ifndef P11_BACKEND_OBJECTS_LABEL_SET_H
#define P11_BACKEND_OBJECTS_LABEL_SET_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace p11 {

class LabelSet {
  public:
    using const_iterator = std::vector<std::string>::const_iterator;

    // Whether the label was new.
    bool insert(std::string_view label)
    {
        if (contains(label)) {
            return false;
        }
        labels_.emplace_back(label);
        return true;
    }
    // Whether it was there.
    bool erase(std::string_view label)
    {
        for (std::string &held : labels_) {
            if (held == label) {
                held.swap(labels_.back());
                labels_.pop_back();
                return true;
            }
        }
        return false;
    }
    bool contains(std::string_view label) const
    {
        for (const std::string &held : labels_) {
            if (held == label) {
                return true;
            }
        }
        return false;
    }
    std::size_t size() const { return labels_.size(); }
    bool empty() const { return labels_.empty(); }
    void clear() { labels_.clear(); }
    // In no particular order.
    const_iterator begin() const { return labels_.begin(); }
    const_iterator end() const { return labels_.end(); }

  private:
    std::vector<std::string> labels_;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_LABEL_SET_H
