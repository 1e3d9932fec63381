// Stand-in for CMSSW's edm::ProductID: which product (collection) of the event a value refers to.
#ifndef DataFormats_Common_ProductID_h
#define DataFormats_Common_ProductID_h
namespace edm {
  class ProductID {
  public:
    ProductID() = default;
    explicit ProductID(unsigned int id) : id_(id) {}
    unsigned int id() const { return id_; }
    bool isValid() const { return id_ != 0; }
    bool operator==(const ProductID& o) const { return id_ == o.id_; }
    bool operator!=(const ProductID& o) const { return id_ != o.id_; }
    bool operator<(const ProductID& o) const { return id_ < o.id_; }

  private:
    unsigned int id_ = 0;
  };
}  // namespace edm
#endif
