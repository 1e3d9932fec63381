// Stand-in for CMSSW's edm::StreamID: the index of the stream a stream module runs on.
#ifndef FWCore_Utilities_StreamID_h
#define FWCore_Utilities_StreamID_h
namespace edm {
  class StreamID {
  public:
    explicit StreamID(unsigned int v) : value_(v) {}  // private to the framework in CMSSW
    unsigned int value() const { return value_; }

  private:
    unsigned int value_;
  };
}  // namespace edm
#endif
