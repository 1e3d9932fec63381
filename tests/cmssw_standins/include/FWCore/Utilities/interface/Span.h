// Stand-in for CMSSW's edm::Span: a view of [begin, end) of a contiguous range.
#ifndef FWCore_Utilities_Span_h
#define FWCore_Utilities_Span_h
#include <cstddef>
#include <iterator>

namespace edm {
  template <class T>
  class Span {
  public:
    Span(T begin, T end) : begin_(begin), end_(end) {}
    T begin() const { return begin_; }
    T end() const { return end_; }
    bool empty() const { return begin_ == end_; }
    auto size() const { return static_cast<std::size_t>(std::distance(begin_, end_)); }
    auto const& operator[](std::size_t idx) const { return *(begin_ + idx); }

  private:
    const T begin_;
    const T end_;
  };
}  // namespace edm
#endif
