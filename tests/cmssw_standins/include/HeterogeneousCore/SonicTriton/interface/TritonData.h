// Stand-in for CMSSW's HeterogeneousCore/SonicTriton/interface/TritonData.h: one input or output of the server's model,
// with CMSSW's interface for a module: allocate<DT>() (one vector per batch entry), toServer(ptr), fromServer<DT>()
// (one edm::Span per batch entry), shape(), sizeDims(), sizeShape(), variableDims(), dname(), batchSize(), byteSize(),
// setShape(). Checks as CMSSW's: the data type, the number of batch entries given to toServer and the size of each,
// fromServer only once per event and only after the server answered. One request per event (CMSSW's "entries" for
// ragged batching are not stood in for: entry must be 0). Data is kept in the process (no shared memory).
#ifndef HeterogeneousCore_SonicTriton_TritonData
#define HeterogeneousCore_SonicTriton_TritonData
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>
#include "FWCore/Utilities/interface/Exception.h"
#include "FWCore/Utilities/interface/Span.h"

class TritonClient;
namespace triton {
  namespace client {
    class InferInput;
    class InferRequestedOutput;
  }  // namespace client
}  // namespace triton

template <typename DT>
using TritonInput = std::vector<std::vector<DT>>;
template <typename DT>
using TritonOutput = std::vector<edm::Span<const DT*>>;
template <typename DT>
using TritonInputContainer = std::shared_ptr<TritonInput<DT>>;

template <typename IO>
class TritonData {
public:
  using ShapeType = std::vector<int64_t>;
  using ShapeView = edm::Span<ShapeType::const_iterator>;

  // stand-in constructor (CMSSW's takes the server's TensorMetadata): the model's dims as the server reports them
  // (with the batch axis, -1, unless noBatch) and its data type ("FP32", ...)
  TritonData(const std::string& name, const ShapeType& dims, const std::string& dname, bool noBatch)
      : name_(name),
        dims_(dims),
        noBatch_(noBatch),
        batchSize_(0),
        fullShape_(dims),
        shape_(fullShape_.begin() + (noBatch ? 0 : 1), fullShape_.end()),
        variableDims_(std::any_of(shape_.begin(), shape_.end(), [](int64_t i) { return i < 0; })),
        productDims_(variableDims_ ? -1 : dimProduct(shape_)),
        dname_(dname),
        byteSize_(dname == "FP64" || dname == "INT64" ? 8 : 4) {}
  TritonData(const TritonData&) = delete;
  TritonData& operator=(const TritonData&) = delete;

  void setShape(const ShapeType& newShape, unsigned entry = 0) {
    for (unsigned i = 0; i < newShape.size(); ++i)
      setShape(i, newShape[i], entry);
  }
  void setShape(unsigned loc, int64_t val, unsigned entry = 0) {
    checkEntry(entry);
    const unsigned full = loc + (noBatch_ ? 0 : 1);
    if (full >= fullShape_.size())
      throw cms::Exception("TritonDataError") << name_ << " setShape(): dimension " << loc << " out of bounds";
    if (dims_[full] != -1 && val != dims_[full])
      throw cms::Exception("TritonDataError")
          << name_ << " setShape(): attempt to change value of non-variable shape dimension " << loc;
    fullShape_[full] = val;
  }

  template <typename DT>
  TritonInputContainer<DT> allocate(bool reserve = true) {
    checkType<DT>();
    auto ptr = std::make_shared<TritonInput<DT>>(batchSize_);
    if (reserve && sizeShape() > 0)
      for (auto& v : *ptr)
        v.reserve(sizeShape());
    return ptr;
  }
  template <typename DT>
  void toServer(TritonInputContainer<DT> ptr) {
    checkType<DT>();
    const auto& in = *ptr;
    if (in.size() != batchSize_)
      throw cms::Exception("TritonDataError") << name_ << " toServer(): input vector has size " << in.size()
                                              << " but specified batch size is " << batchSize_;
    data_.clear();
    for (const auto& v : in) {
      if (static_cast<int64_t>(v.size()) != sizeShape())
        throw cms::Exception("TritonDataError") << name_ << " toServer(): input vector entry has size " << v.size()
                                                << " but the shape has " << sizeShape() << " values";
      data_.insert(data_.end(), v.begin(), v.end());
    }
    set_ = true;
  }
  template <typename DT>
  TritonOutput<DT> fromServer() const {
    checkType<DT>();
    if (!set_)
      throw cms::Exception("TritonDataError") << name_ << " fromServer(): the server has not answered for this output";
    if (done_)
      throw cms::Exception("TritonDataError") << name_ << " fromServer() was already called for this event";
    done_ = true;
    TritonOutput<DT> out;
    const int64_t n = sizeShape();
    for (unsigned i = 0; i < batchSize_; ++i)
      out.emplace_back(data_.data() + i * n, data_.data() + (i + 1) * n);
    return out;
  }

  const ShapeView& shape(unsigned entry = 0) const {
    checkEntry(entry);
    return shape_;
  }
  int64_t byteSize() const { return byteSize_; }
  const std::string& dname() const { return dname_; }
  unsigned batchSize() const { return batchSize_; }
  bool variableDims() const { return variableDims_; }
  int64_t sizeDims() const { return productDims_; }
  int64_t sizeShape(unsigned entry = 0) const {
    checkEntry(entry);
    return variableDims_ ? dimProduct(shape_) : sizeDims();
  }

private:
  friend class TritonClient;
  static int64_t dimProduct(const ShapeView& v) {
    return std::accumulate(v.begin(), v.end(), int64_t(1), std::multiplies<int64_t>());
  }
  void checkEntry(unsigned entry) const {
    if (entry != 0)
      throw cms::Exception("TritonDataError") << name_ << ": the stand-in client makes one request per event";
  }
  template <typename DT>
  void checkType() const {
    const bool ok =
        (dname_ == "FP32" && typeid(DT) == typeid(float)) || (dname_ == "FP64" && typeid(DT) == typeid(double)) ||
        (dname_ == "INT64" && typeid(DT) == typeid(int64_t)) || (dname_ == "INT32" && typeid(DT) == typeid(int32_t));
    if (!ok || dname_ != "FP32")
      throw cms::Exception("TritonDataError") << name_ << ": inconsistent data type " << typeid(DT).name() << " for "
                                              << dname_ << (ok ? " (the stand-in server handles FP32 only)" : "");
  }
  // stand-in client side
  void setBatchSize(unsigned b) {
    batchSize_ = b;
    if (!noBatch_)
      fullShape_[0] = b;
  }
  const std::vector<float>& data() const { return data_; }
  void setData(std::vector<float> d) {
    data_ = std::move(d);
    set_ = true;
  }
  bool isSet() const { return set_; }
  const ShapeType& fullShape() const { return fullShape_; }
  void reset() {
    data_.clear();
    set_ = false;
    done_ = false;
  }

  std::string name_;
  const ShapeType dims_;
  bool noBatch_;
  unsigned batchSize_;
  ShapeType fullShape_;
  ShapeView shape_;
  bool variableDims_;
  int64_t productDims_;
  std::string dname_;
  int64_t byteSize_;
  std::vector<float> data_;
  bool set_ = false;
  mutable bool done_ = false;  // CMSSW's is mutable too: fromServer() is const
};

using TritonInputData = TritonData<triton::client::InferInput>;
using TritonInputMap = std::unordered_map<std::string, TritonInputData>;
using TritonOutputData = TritonData<triton::client::InferRequestedOutput>;
using TritonOutputMap = std::unordered_map<std::string, TritonOutputData>;
#endif
